import { ApiProperty } from '@nestjs/swagger';
import type { StepType } from '../agent/run-events';

const STEP_TYPES: StepType[] = ['PlanningStep', 'ActionStep', 'FinalAnswerStep'];

/** One finished step of a run, as the stateless REST API returns it. */
export class AgentStep {
  @ApiProperty({ enum: STEP_TYPES, example: 'ActionStep' })
  step_type!: StepType;

  @ApiProperty({ example: 'Execution logs:\nCalled tool contacts with arguments: {}\nObservation: […]', description: 'The plan, the execution log or the final answer' })
  content!: string;
}
