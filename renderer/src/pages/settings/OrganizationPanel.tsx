import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/States';
import { call } from '../../lib/api';
import { useApp } from '../../lib/app-context';
import { useAction } from '../../lib/use-action';

/** The organization's name and monthly budget. */
export function OrganizationPanel() {
  const app = useApp();
  const actions = useAction<'save'>();
  const [name, setName] = useState(app.org.name);
  const [budget, setBudget] = useState(app.org.settings.monthlyBudgetUsd === null ? '' : String(app.org.settings.monthlyBudgetUsd));
  const readOnly = !app.canManage;
  const budgetValue = budget.trim() === '' ? null : Number(budget);
  const budgetInvalid = budgetValue !== null && (!Number.isFinite(budgetValue) || budgetValue < 0);

  const save = () =>
    actions.run(
      'save',
      async () => {
        await call('org:update', { name: name.trim(), monthlyBudgetUsd: budgetValue });
        await app.refreshSession();
      },
      'Organization saved',
    );

  return (
    <form
      className="card card-pad stack org-form"
      aria-label="Organization"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Field label="Organization name" htmlFor="org-name">
        <input id="org-name" value={name} maxLength={200} disabled={readOnly} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field
        label="Monthly budget (USD)"
        htmlFor="org-budget"
        hint="When the month’s spend reaches it, new model calls and batch jobs pause. Leave empty for no budget."
      >
        <input
          id="org-budget"
          type="number"
          min={0}
          step="0.01"
          value={budget}
          disabled={readOnly}
          aria-invalid={budgetInvalid}
          onChange={(e) => setBudget(e.target.value)}
        />
      </Field>
      {actions.error && <ErrorMessage error={actions.error} />}
      {!readOnly && (
        <div>
          <button type="submit" className="btn btn-primary" disabled={actions.busy !== null || !name.trim() || budgetInvalid}>
            {actions.busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      )}
    </form>
  );
}
