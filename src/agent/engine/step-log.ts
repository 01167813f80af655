import type { ToolOutcome } from './tool-executor';

const MAX_OUTPUT_CHARS = 4000;

/** The content of an ActionStep: the model's words, then each call with its arguments and what it returned. */
export function actionStepLog(text: string, outcomes: ToolOutcome[]): string {
  const lines = text.trim() ? [text.trim()] : [];
  lines.push('Execution logs:');
  for (const outcome of outcomes) {
    lines.push(`Called tool ${outcome.tool} with arguments: ${JSON.stringify(outcome.args)}`);
    lines.push(`${outcome.ok ? 'Observation' : 'Error'}: ${clip(typeof outcome.output === 'string' ? outcome.output : JSON.stringify(outcome.output))}`);
  }
  const last = outcomes.at(-1);
  if (last?.ok) lines.push(`Last output: ${clip(JSON.stringify(last.output))}`);
  return lines.join('\n');
}

function clip(text: string): string {
  return text.length > MAX_OUTPUT_CHARS ? `${text.slice(0, MAX_OUTPUT_CHARS)}… (${text.length - MAX_OUTPUT_CHARS} more characters)` : text;
}
