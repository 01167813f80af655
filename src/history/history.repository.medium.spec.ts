import { beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/support/databases';
import { useDataSource } from '../../test/support/medium-data-source';
import { ConversationRepository } from './conversation.repository';
import { HistoryRepository, type StoredChatEvent } from './history.repository';

interface NewChatEvent {
  type: string;
  runId: string | null;
  payload: unknown;
}

const event = (type: string, payload: unknown = {}, runId: string | null = null): NewChatEvent => ({ type, runId, payload });
const seqs = (events: { seq: number }[]) => events.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

for (const kind of databaseKinds) {
  describe.skipIf(!kind.available)(kind.name, () => {
    const dataSource = useDataSource(kind);
    let history: HistoryRepository;
    // Every test works on its own chat ids, so the tests share one database without seeing each other's rows.
    let counter = 0;
    const newChat = async (owner = 'alice') => {
      const id = `chat-${++counter}`;
      await history.claimChat(id, owner);
      return id;
    };

    // What a chat's writer does: take the chat with a newer fence, number after the stored seq, write.
    let fences = Date.now();
    const append = async (chatId: string, events: NewChatEvent[]): Promise<StoredChatEvent[]> => {
      const fence = ++fences;
      const last = (await history.fence(chatId, fence))?.lastSeq;
      if (last === undefined) throw new Error(`chat ${chatId} cannot be written`);
      const numbered = events.map((e, i) => ({ chatId, seq: last + 1 + i, ...e, createdAt: new Date() }));
      expect(await history.write(chatId, fence, numbered)).toBe(true);
      return numbered;
    };

    beforeAll(() => {
      history = new HistoryRepository(dataSource());
    });

    it('runs the committed migrations instead of synchronizing the schema', async () => {
      const tables: { name: string }[] =
        kind.name === 'sqlite'
          ? await dataSource().query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
          : await dataSource().query(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`);
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['chats', 'chat_events']));
      const applied: { name: string }[] = await dataSource().query('SELECT name FROM migrations');
      expect(applied.map((m) => m.name)).toEqual(['ChatHistory1763720000000', 'DemoTools1763720100000', 'ConversationStatus1763720200000', 'EventLogWriters1763720300000', 'DemoDataOutOfMigrations1763720400000', 'EventLogEntriesIndex1763720500000']);
      expect(dataSource().options.synchronize).toBe(false);
    });

    it('gives a chat to the first user who claims it, for good', async () => {
      expect(await history.claimChat('owned', 'alice')).toBe('alice');
      expect(await history.claimChat('owned', 'bob')).toBe('alice');
      expect(await history.findOwner('owned')).toBe('alice');
      expect(await history.findOwner('nobody-used-this')).toBeNull();
    });

    it('hands a new chat to exactly one of many users claiming it at once', async () => {
      const users = range(1, 10).map((n) => `user-${n}`);
      const owners = await Promise.all(users.map((user) => history.claimChat('contested', user)));
      expect(new Set(owners).size).toBe(1);
      expect(users).toContain(owners[0]);
      expect(await history.findOwner('contested')).toBe(owners[0]);
    });

    it('numbers appended events from 1 and stores them as given', async () => {
      const chatId = await newChat();
      const payload = { text: 'héllo 👋 — 世界', n: 42, pi: 3.25, neg: -1, ok: true, none: null, nested: { list: [1, 'two', { three: 3 }] } };
      const before = Date.now();
      const stored = await append(chatId, [event('user_message', payload), event('run_started', { a: 1 }, 'run-1')]);

      expect(seqs(stored)).toEqual([1, 2]);
      expect(await history.list(chatId, { limit: 10 })).toEqual(stored);
      const [first, second] = await history.list(chatId, { limit: 10 });
      expect(first).toMatchObject({ chatId, seq: 1, type: 'user_message', runId: null, payload });
      expect(second).toMatchObject({ chatId, seq: 2, type: 'run_started', runId: 'run-1', payload: { a: 1 } });
      expect(first!.createdAt).toBeInstanceOf(Date);
      expect(first!.createdAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(first!.createdAt.getTime()).toBeLessThanOrEqual(Date.now());

      expect(seqs(await append(chatId, [event('next')]))).toEqual([3]);
    });

    it('treats an empty append as a no-op', async () => {
      const chatId = await newChat();
      await append(chatId, [event('a')]);
      expect(await append(chatId, [])).toEqual([]);
      expect(seqs(await history.list(chatId, { limit: 10 }))).toEqual([1]);
      expect(seqs(await append(chatId, [event('b')]))).toEqual([2]);
    });

    it("reads the chat's status with the fence, as the writer's first turn needs it", async () => {
      const chatId = await newChat();
      expect(await new ConversationRepository(dataSource()).transition(chatId, 'active', 'handoff')).toBe(true);
      expect(await history.fence(chatId, 10)).toEqual({ lastSeq: 0, status: 'handoff' });
    });

    it('refuses a writer once a newer one fenced the chat, and records the run in flight', async () => {
      const chatId = await newChat();
      expect(await history.fence(chatId, 100)).toEqual({ lastSeq: 0, status: 'active' });
      expect((await history.fence(chatId, 200))?.lastSeq).toBe(0);
      // The older lease may neither take the chat back nor write.
      expect(await history.fence(chatId, 150)).toBeNull();
      const late = [{ chatId, seq: 1, runId: null, type: 'late', payload: {}, createdAt: new Date() }];
      expect(await history.write(chatId, 100, late)).toBe(false);
      expect(await history.list(chatId, { limit: 10 })).toEqual([]);

      expect(await history.write(chatId, 200, [{ ...late[0]!, type: 'current' }], 'turn:r1')).toBe(true);
      expect(await history.activeRun(chatId)).toBe('turn:r1');
      expect(await history.activeRuns(1000)).toContainEqual({ chatId, activeRun: 'turn:r1' });
      expect(await history.lastSeq(chatId)).toBe(1);
      expect(await history.write(chatId, 200, [], null)).toBe(true);
      expect(await history.activeRun(chatId)).toBeNull();
      expect(seqs(await history.listAfter(chatId, 0, { limit: 10 }))).toEqual([1]);
    });

    it('stores writes to many chats asked for at once each on its own: a fenced-out or failing one changes nothing of the others', async () => {
      const [kept, fencedOut, failing, alsoKept] = [await newChat(), await newChat(), await newChat(), await newChat()];
      for (const chatId of [kept, fencedOut, failing, alsoKept]) expect((await history.fence(chatId, 10))?.lastSeq).toBe(0);
      expect((await history.fence(fencedOut, 20))?.lastSeq).toBe(0);
      const row = (chatId: string, seq: number, type = 'entry') => ({ chatId, seq, runId: null, type, payload: { seq }, createdAt: new Date() });
      // The same seq twice breaks the log's key: that write fails as a whole, its first row with it.
      const writes = await Promise.allSettled([
        history.write(kept, 10, [row(kept, 1), row(kept, 2)], 'turn:k'),
        history.write(fencedOut, 10, [row(fencedOut, 1)]),
        history.write(failing, 10, [row(failing, 1), row(failing, 1)], 'turn:f'),
        history.write(alsoKept, 10, [row(alsoKept, 1)]),
      ]);
      expect(writes.map((write) => write.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      expect(writes.map((write) => (write.status === 'fulfilled' ? write.value : null))).toEqual([true, false, null, true]);
      expect(seqs(await history.listAfter(kept, 0, { limit: 10 }))).toEqual([1, 2]);
      expect(await history.activeRun(kept)).toBe('turn:k');
      expect(await history.listAfter(fencedOut, 0, { limit: 10 })).toEqual([]);
      expect(await history.listAfter(failing, 0, { limit: 10 })).toEqual([]);
      expect(await history.activeRun(failing)).toBeNull();
      expect(await history.lastSeq(failing)).toBe(0);
      expect(seqs(await history.listAfter(alsoKept, 0, { limit: 10 }))).toEqual([1]);
    });

    it('stores two writes of one chat asked for at once in order, and payloads as given, null and plain strings too', async () => {
      const [first, second] = [await newChat(), await newChat()];
      for (const chatId of [first, second]) expect((await history.fence(chatId, 10))?.lastSeq).toBe(0);
      const row = (chatId: string, seq: number, payload: unknown) => ({ chatId, seq, runId: 'run-1', type: 'entry', payload, createdAt: new Date(1_700_000_000_000 + seq) });
      const writes = await Promise.all([
        history.write(first, 10, [row(first, 1, null), row(first, 2, 'a "quoted" \\ line\nnext')], 'turn:one'),
        history.write(second, 10, [row(second, 1, { emoji: '👋', nul: '\u0000', deep: [[], {}] })]),
        history.write(first, 10, [row(first, 3, 42)], null),
      ]);
      expect(writes).toEqual([true, true, true]);
      expect(await history.listAfter(first, 0, { limit: 10 })).toEqual([row(first, 1, null), row(first, 2, 'a "quoted" \\ line\nnext'), row(first, 3, 42)]);
      expect(await history.activeRun(first)).toBeNull();
      expect(await history.lastSeq(first)).toBe(3);
      expect(await history.listAfter(second, 0, { limit: 10 })).toEqual([row(second, 1, { emoji: '👋', nul: '\u0000', deep: [[], {}] })]);
    });

    it('stores a thousand writes asked for at once, each once, however the batch is split', async () => {
      const chats: string[] = [];
      for (let n = 0; n < 1000; n++) chats.push(await newChat());
      for (const chatId of chats) expect((await history.fence(chatId, 10))?.lastSeq).toBe(0);
      const rows = (chatId: string) => [1, 2, 3].map((seq) => ({ chatId, seq, runId: null, type: 'text.delta', payload: { delta: `${chatId} ${seq}` }, createdAt: new Date(seq) }));
      expect(await Promise.all(chats.map((chatId) => history.write(chatId, 10, rows(chatId))))).toEqual(chats.map(() => true));
      for (const chatId of [chats[0]!, chats[499]!, chats[999]!]) expect(await history.listAfter(chatId, 0, { limit: 10 })).toEqual(rows(chatId));
      const counted = await dataSource().query<Array<{ count: number | string }>>(
        `SELECT count(*) AS count FROM chat_events WHERE chat_id IN (${chats.map((_, i) => (kind.name === 'sqlite' ? '?' : `$${i + 1}`)).join(', ')})`,
        chats,
      );
      expect(Number(counted[0]!.count)).toBe(3000);
    });

    it('refuses events for a chat nobody claimed, and later appends still succeed', async () => {
      await expect(append('unclaimed', [event('lost')])).rejects.toThrow();
      expect(await history.fence('unclaimed', Date.now())).toBeNull();
      expect(await history.list('unclaimed', { limit: 10 })).toEqual([]);
      expect(await history.findOwner('unclaimed')).toBeNull();
      expect(seqs(await append(await newChat(), [event('fine')]))).toEqual([1]);
    });

    it('lists the newest events before a seq, oldest first, and the events after a seq', async () => {
      const chatId = await newChat();
      await append(chatId, range(1, 25).map((n) => event('e', { n })));

      expect(seqs(await history.listAfter(chatId, 20, { limit: 10 }))).toEqual(range(21, 25));
      expect(seqs(await history.listAfter(chatId, 3, { limit: 4 }))).toEqual([4, 5, 6, 7]);
      expect(seqs(await history.listAfter(chatId, 3, { limit: 10, beforeSeq: 7 }))).toEqual([4, 5, 6]);

      expect(seqs(await history.list(chatId, { limit: 5 }))).toEqual(range(21, 25));
      expect(seqs(await history.list(chatId, { limit: 3, beforeSeq: 10 }))).toEqual([7, 8, 9]);
      expect(seqs(await history.list(chatId, { limit: 10, beforeSeq: 4 }))).toEqual([1, 2, 3]);
      expect(await history.list(chatId, { limit: 10, beforeSeq: 1 })).toEqual([]);
      expect(await history.list('no-such-chat', { limit: 10 })).toEqual([]);
    });

    it('pages backwards through the whole log, each event exactly once', async () => {
      const chatId = await newChat();
      await append(chatId, range(1, 25).map((n) => event('e', { n })));

      const pages: number[][] = [];
      let beforeSeq: number | undefined;
      for (;;) {
        const page = await history.list(chatId, { limit: 10, beforeSeq });
        if (page.length === 0) break;
        pages.push(seqs(page));
        beforeSeq = page[0]!.seq;
      }
      expect(pages).toEqual([range(16, 25), range(6, 15), range(1, 5)]);
    });

    it('finds an event by a payload value exactly: case, LIKE wildcards, backslashes, quotes and other keys aside', async () => {
      const chatId = await newChat();
      const ids = ['abc', 'a_c%', 'back\\slash', 'say "hi"', 'héllo 👋'];
      await append(chatId, [
        ...ids.map((messageId) => event('run.finished', { answer: '', messageId })),
        event('user.message', { messageId: 'only-asked', content: 'x' }),
        event('run.failed', { error: { code: 'e', message: '"messageId":"quoted"' }, messageId: 'other' }),
      ]);
      await append(await newChat(), [event('run.finished', { messageId: 'elsewhere' })]);
      const ended = (messageId: string) => history.hasEventWith(chatId, ['run.finished', 'run.failed'], 'messageId', messageId);

      for (const messageId of ids) expect(await ended(messageId), messageId).toBe(true);
      for (const messageId of ['ABC', 'abx%', 'a', 'back\\', 'only-asked', 'quoted', 'elsewhere', '%', '_']) {
        expect(await ended(messageId), messageId).toBe(false);
      }
      expect(await history.hasEventWith(chatId, ['run.finished'], 'answer', 'abc')).toBe(false);
    });

    it('keeps each chat to its own events', async () => {
      const [mine, theirs] = [await newChat('alice'), await newChat('bob')];
      await Promise.all([
        append(mine, [event('mine', { who: 'alice' }), event('mine', { who: 'alice' })]),
        append(theirs, [event('theirs', { who: 'bob' })]),
      ]);

      const listed = await history.list(mine, { limit: 10 });
      expect(listed.map((e) => [e.chatId, e.seq, e.type])).toEqual([[mine, 1, 'mine'], [mine, 2, 'mine']]);
      expect((await history.list(theirs, { limit: 10 })).map((e) => [e.chatId, e.seq, e.type])).toEqual([[theirs, 1, 'theirs']]);
    });
  });
}
