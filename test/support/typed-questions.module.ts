import { Injectable, Module } from '@nestjs/common';
import { z } from 'zod';
import type { InteractiveContext } from '../../src/agent/actions/interactive-context';
import { InteractiveAgent, InteractiveRouter } from '../../src/interactive/router.decorators';

/** An answer must be a whole number of years: `value.message` is that number. */
export const AGE = z.object({
  message: z
    .string()
    .trim()
    .regex(/^\d+$/, 'Your age must be a whole number')
    .transform(Number)
    .pipe(z.number().max(150, 'Nobody is that old')),
  metadata: z.unknown(),
});

/** What WS /base/typed/versioned asks; a spec changes it between two runs of the server, as a deploy would. */
export const VERSIONED = { question: 'Which colour, v1?' };

/** WS /base/typed/age: a question with a schema, as docs/actions.md shows it. */
@Injectable()
@InteractiveRouter('/typed')
export class TypedQuestionsRouter {
  @InteractiveAgent('/age')
  async age(context: InteractiveContext): Promise<void> {
    const answer = await context.waitForInput({ message: 'How old are you?' }, { schema: AGE });
    const years: number = answer.value.message;
    await context.addMessage('assistant', `In ten years you will be ${years + 10}.`);
    await context.notify({ message: `In ten years you will be ${years + 10}.` });
  }

  @InteractiveAgent('/versioned')
  async versioned(context: InteractiveContext): Promise<void> {
    const question = VERSIONED.question;
    const answer = await context.waitForInput({ message: question });
    await context.addMessage('assistant', `${question} ${answer.message}`);
    await context.notify({ message: `${question} ${answer.message}` });
  }
}

@Module({ providers: [TypedQuestionsRouter] })
export class TypedQuestionsModule {}
