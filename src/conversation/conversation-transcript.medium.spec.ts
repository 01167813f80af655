import { beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/support/databases';
import { useDataSource } from '../../test/support/medium-data-source';
import { HistoryRepository } from '../history/history.repository';
import { ConversationTranscript } from './conversation-transcript';

for (const kind of databaseKinds) {
  describe.skipIf(!kind.available)(`the transcript read on from what it kept (${kind.name})`, () => {
    const dataSource = useDataSource(kind);
    let history: HistoryRepository;
    let fence = Date.now();
    let seq = 0;

    /** A turn as the log holds it: the user's message, `steps` action steps, the answer and the run's end. */
    const turn = async (chatId: string, run: string, steps = 0) => {
      const events = [
        { type: 'user.message', runId: run, payload: { messageId: `m-${run}`, content: `question ${run}` } },
        ...Array.from({ length: steps }, (_, i) => ({ type: 'step.finished', runId: run, payload: { stepType: 'ActionStep', content: `step ${i}` } })),
        { type: 'step.finished', runId: run, payload: { stepType: 'FinalAnswerStep', content: `answer ${run}`, messageId: `m-${run}` } },
        { type: 'run.finished', runId: run, payload: { usage: { model: `model-${run}` } } },
      ];
      fence += 1;
      const last = (await history.fence(chatId, fence))!.lastSeq;
      const numbered = events.map((event, i) => ({ chatId, seq: last + 1 + i, ...event, createdAt: new Date() }));
      await history.write(chatId, fence, numbered);
      seq = numbered.at(-1)!.seq;
    };

    beforeAll(() => {
      history = new HistoryRepository(dataSource());
    });

    it("gives the model the memory a fresh read gives, run after run, past the window's end", async () => {
      await history.claimChat('memory', 'alice');
      const kept = new ConversationTranscript(history);
      for (let run = 1; run <= 6; run++) {
        // Action steps fill the window (2 turns × 5 entries) faster than turns do.
        await turn('memory', `r${run}`, run % 3);
        const fresh = await new ConversationTranscript(history).memory('memory', 2, `next-${run}`);
        expect(await kept.memory('memory', 2, `next-${run}`)).toEqual(fresh);
        expect(fresh.at(-1)).toEqual({ role: 'assistant', content: `answer r${run}` });
      }
    });

    it('reads the turns after a seq onto the turns up to it: the same turns, each answer with its model', async () => {
      await history.claimChat('turns', 'alice');
      await turn('turns', 'a');
      const early = await new ConversationTranscript(history).turns('turns', 100, seq);
      // Up to the answer of the next run, before its end names the model.
      await turn('turns', 'b', 1);
      const transcript = new ConversationTranscript(history);
      const whole = await transcript.turns('turns', 100, seq);
      expect(await transcript.turns('turns', 100, seq, { seq: seq - 4, turns: early })).toEqual(whole);
      const beforeEnd = await transcript.turns('turns', 100, seq - 1);
      expect([beforeEnd.at(-1)?.content, beforeEnd.at(-1)?.model]).toEqual(['answer b', undefined]);
      expect(await transcript.turns('turns', 100, seq, { seq: seq - 1, turns: beforeEnd })).toEqual(whole);
      expect(whole.map((entry) => [entry.role, entry.model])).toEqual([
        ['user', undefined],
        ['assistant', 'model-a'],
        ['user', undefined],
        ['assistant', 'model-b'],
      ]);
    });
  });
}
