/**
 * Attribute names of the OpenTelemetry GenAI semantic conventions (semconv 1.37+). They are still
 * "development" status, so they are copied here rather than imported from the package's `incubating`
 * entry point, which its maintainers say may rename or drop them in any minor release.
 */
export const GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** The older name of `gen_ai.provider.name`; set too, as many backends still group by it. */
export const GEN_AI_SYSTEM = 'gen_ai.system';
export const GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const GEN_AI_AGENT_NAME = 'gen_ai.agent.name';
export const GEN_AI_AGENT_DESCRIPTION = 'gen_ai.agent.description';
/** Our chat id. */
export const GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id';
export const GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const GEN_AI_TOOL_TYPE = 'gen_ai.tool.type';

/** Ours, for what the conventions have no name for. */
export const RUN_ID = 'agent_gateway.run.id';
/** `finished`, `failed` or `cancelled`: a cancelled run is not an error, so the status alone cannot tell it. */
export const RUN_OUTCOME = 'agent_gateway.run.outcome';
/** The engine's step number (1, 2, …) the model or tool call belongs to. */
export const STEP = 'agent_gateway.step';
