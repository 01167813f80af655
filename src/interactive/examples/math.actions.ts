import { IsInt } from 'class-validator';
import { Action, ActionReturn } from '../../agent/actions/action';
import { ActionField, InteractiveAction } from '../../agent/actions/action.decorators';
import { InputTimeoutError, type InteractiveContext } from '../../agent/actions/interactive-context';

const ATTEMPTS = 3;

@InteractiveAction({ description: "This Assistant is used when user's inquiry is related to Math Problem." })
export class MathProblem extends Action {
  @ActionField({ description: 'Your answer to the math problem' })
  @IsInt()
  answer!: number;

  override async pre(context: InteractiveContext): Promise<ActionReturn> {
    let question: object = { message: 'before I answer that give me your answer?' };
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      const event = await context.waitForInput(question);
      const guess = Number(event.message.trim());
      if (event.message.trim() !== '' && Number.isInteger(guess)) {
        const message = guess !== this.answer ? `You're Wrong! Answer is ${this.answer}` : "You're Correct!";
        await context.addMessage('assistant', message);
        await context.notify({ message });
        return ActionReturn.GO;
      }
      question = { message: `"${event.message}" is not a whole number. What is your answer?` };
    }
    const message = `No number after ${ATTEMPTS} tries. The answer is ${this.answer}.`;
    await context.addMessage('assistant', message);
    await context.notify({ message });
    return ActionReturn.BREAK;
  }
}

@InteractiveAction({ description: 'Casual Generic Chat.', children: [MathProblem] })
export class GeneralChat extends Action {}

/** The same quiz, but giving up politely when the user does not answer in time (shows a handled timeout). */
@InteractiveAction({ description: 'A math quiz that waits a short while for an answer.' })
export class QuickMathProblem extends Action {
  @ActionField({ description: 'Your answer to the math problem' })
  @IsInt()
  answer!: number;

  override async pre(context: InteractiveContext): Promise<ActionReturn> {
    try {
      const event = await context.waitForInput({ message: 'quick, your answer?' }, { timeoutMs: 1000 });
      await context.notify({ message: Number(event.message) === this.answer ? "You're Correct!" : `You're Wrong! Answer is ${this.answer}` });
    } catch (error) {
      if (!(error instanceof InputTimeoutError)) throw error;
      await context.notify({ message: `Too slow! The answer is ${this.answer}.` });
    }
    return ActionReturn.GO;
  }
}

@InteractiveAction({ description: 'Casual chat with a quick quiz.', children: [QuickMathProblem] })
export class QuickChat extends Action {}
