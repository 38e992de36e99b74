import type { Services } from '../services';
import type { Handlers } from './types';

export function createSettingsHandlers(
  services: Services,
): Pick<Handlers, 'settings:get-llm' | 'settings:update-llm' | 'llm:providers' | 'llm:models' | 'llm:test' | 'llm:cancel'> {
  return {
    'settings:get-llm': () => services.settings.getLLM(),
    'settings:update-llm': (input) => services.settings.updateLLM(input),
    'llm:providers': () => services.settings.providers(),
    'llm:models': ({ provider, refresh }) => services.settings.models(provider, refresh ?? false),
    'llm:test': (input) => services.settings.test(input),
    'llm:cancel': ({ requestId }) => ({ cancelled: services.sequences.cancel(requestId) }),
  };
}
