import { type DragEvent, type ReactNode, useRef, useState } from 'react';
import { Icon } from './Icon';

/**
 * A place to drop files, with a button that opens the file picker for keyboard and mouse users.
 * `children` go under the button (hints, links).
 */
export function DropZone(props: {
  testId: string;
  prompt: string;
  buttonLabel: string;
  /** The picker's accessible name. */
  pickerLabel: string;
  accept: string;
  multiple?: boolean;
  onFiles(files: File[]): void;
  children?: ReactNode;
}) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const take = (list: FileList | null | undefined) => {
    const files = Array.from(list ?? []);
    if (files.length > 0) props.onFiles(props.multiple ? files : files.slice(0, 1));
  };
  // A named section (a region), since it takes drops; keyboard and mouse users have the button.
  return (
    <section
      aria-label={props.prompt}
      className={`dropzone${over ? ' is-over' : ''}`}
      data-testid={props.testId}
      onDragOver={(e: DragEvent) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e: DragEvent) => {
        e.preventDefault();
        setOver(false);
        take(e.dataTransfer.files);
      }}
    >
      <Icon name="upload" size={22} />
      <p>{props.prompt}</p>
      <button type="button" className="btn btn-small" onClick={() => input.current?.click()}>
        {props.buttonLabel}
      </button>
      <input
        ref={input}
        type="file"
        accept={props.accept}
        multiple={props.multiple}
        hidden
        aria-label={props.pickerLabel}
        onChange={(e) => {
          take(e.target.files);
          e.target.value = '';
        }}
      />
      {props.children}
    </section>
  );
}
