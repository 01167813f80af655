/**
 * The instructions the runner adds to the system prompt for special model calls. The built-in model
 * recognises them by these markers; real models read them as plain English.
 */
export const PLANNING_INSTRUCTION =
  '[planning] Before acting, write a short numbered plan: which tools you will call, with what, and how you will answer. Do not call tools now.';

export const FINAL_ANSWER_INSTRUCTION =
  '[final-answer] You have used all your tool-calling steps. Give your best final answer now from what you have, without calling tools.';

/** Sent as the user's turn when a client asks for the agent's greeting (interact's `start`): nobody has spoken yet. */
export const GREETING_INSTRUCTION =
  '[greeting] The user has just opened the conversation and has not written anything yet. Greet them in one or two sentences and say what you can help with.';
