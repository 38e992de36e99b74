export { parsePartialJson, type PartialJson } from './partial-json';
export { readStreamingSteps, type StreamingStep } from './streaming-steps';
