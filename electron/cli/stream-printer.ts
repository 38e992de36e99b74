import { readStreamingSteps } from '../../shared/streaming';

/**
 * Prints a sequence as the model writes it: each step's heading once its channel is known, then
 * its body as it grows, so a terminal shows the draft forming instead of raw JSON.
 */
export function createStepStreamPrinter(write: (text: string) => void) {
  let text = '';
  const printed: Array<{ heading: boolean; body: number }> = [];
  return {
    push(delta: string): void {
      text += delta;
      readStreamingSteps(text).forEach((step, i) => {
        const state = printed[i] ?? { heading: false, body: 0 };
        printed[i] = state;
        if (!state.heading) {
          if (!step.channel || step.body === undefined) return;
          write(
            `${i > 0 ? '\n\n' : ''}Step ${step.step ?? i + 1} · day +${step.delayDays ?? '?'} · ${step.channel}${step.subject ? ` · ${step.subject}` : ''}\n  `,
          );
          state.heading = true;
        }
        const body = step.body ?? '';
        if (body.length > state.body) {
          write(body.slice(state.body).replace(/\n/g, '\n  '));
          state.body = body.length;
        }
      });
    },
    end(): void {
      if (printed.length > 0) write('\n');
    },
    /** The bodies as streamed, to tell whether the validated answer differs (a repair). */
    streamedBodies(): string[] {
      return readStreamingSteps(text).map((s) => s.body ?? '');
    },
  };
}
