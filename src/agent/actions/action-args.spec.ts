import { IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Action } from './action';
import { checkActionArgs } from './action-args';
import { ActionField, InteractiveAction } from './action.decorators';

class Contact {
  @IsString()
  phone!: string;
}

@InteractiveAction({ description: 'Books a table.' })
class BookTable extends Action {
  @ActionField({ description: 'How many people' })
  @IsInt()
  @Min(1)
  @Max(12)
  people!: number;

  @ActionField({ description: 'Name, no rule' })
  name!: string;

  @ActionField({ description: 'Wishes, no rule', optional: true })
  @IsOptional()
  tags?: string[];

  @ActionField({ description: 'Who to call', optional: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => Contact)
  contact?: Contact;

  // Instance state: not a field, never offered to the model, allowed on the class.
  private attempts = 0;

  tried(): number {
    return this.attempts;
  }
}

@InteractiveAction({
  description: 'Books a table.',
  args: z.object({
    people: z.coerce.number().int().min(1).max(12),
    tags: z.array(z.enum(['window', 'quiet'])).optional(),
    sitting: z.enum(['lunch', 'dinner']).default('dinner'),
  }),
})
class ZodBookTable extends Action {
  private attempts = 0;

  tried(): number {
    return this.attempts;
  }
}

@InteractiveAction({ description: 'Says goodbye.' })
class Goodbye extends Action {}

describe('checkActionArgs with class-validator fields', () => {
  it('accepts a rule-less field beside a ruled one, on a class with instance state', async () => {
    const checked = await checkActionArgs(BookTable, { people: 4, name: 'Ada', tags: ['window'] });
    expect(checked).toEqual({ ok: true, values: { people: 4, name: 'Ada', tags: ['window'] } });
    expect(Object.assign(new BookTable(), checked.ok ? checked.values : {}).tried()).toBe(0);
  });

  it('builds nested objects as their class', async () => {
    const checked = await checkActionArgs(BookTable, { people: 2, name: 'Ada', contact: { phone: '+41' } });
    expect(checked.ok && checked.values.contact).toBeInstanceOf(Contact);
  });

  it('refuses broken rules, wrong types of rule-less fields and missing fields, readably', async () => {
    expect(await checkActionArgs(BookTable, { people: 20, name: 7, tags: 'window', contact: { phone: 1 } })).toEqual({
      ok: false,
      problems: ['people must not be greater than 12', 'contact.phone must be a string', 'name must be string', 'tags must be array'],
    });
    expect(await checkActionArgs(BookTable, {})).toEqual({
      ok: false,
      problems: ['people must not be greater than 12', 'people must not be less than 1', 'people must be an integer number', "must have required property 'name'"],
    });
  });

  it('refuses an undeclared key, naming the declared ones', async () => {
    expect(await checkActionArgs(BookTable, { people: 2, name: 'Ada', attempts: 5 })).toEqual({
      ok: false,
      problems: ['attempts is not a field of BookTable (its fields are people, name, tags, contact)'],
    });
  });
});

describe('checkActionArgs with zod args', () => {
  it('returns the parsed values, with defaults and coercion', async () => {
    expect(await checkActionArgs(ZodBookTable, { people: '3' })).toEqual({ ok: true, values: { people: 3, sitting: 'dinner' } });
  });

  it('refuses with the path and message of each issue', async () => {
    expect(await checkActionArgs(ZodBookTable, { people: 20, tags: ['sunny'] })).toEqual({
      ok: false,
      problems: ['people: Too big: expected number to be <=12', 'tags.0: Invalid option: expected one of "window"|"quiet"'],
    });
  });

  it('refuses an undeclared key, even one named like instance state', async () => {
    expect(await checkActionArgs(ZodBookTable, { people: 2, attempts: 1 })).toEqual({
      ok: false,
      problems: ['attempts is not a field of ZodBookTable (its fields are people, tags, sitting)'],
    });
  });
});

describe('checkActionArgs for an action with no fields', () => {
  it('accepts {}', async () => {
    expect(await checkActionArgs(Goodbye, {})).toEqual({ ok: true, values: {} });
  });

  it('refuses any key and anything but an object', async () => {
    expect(await checkActionArgs(Goodbye, { reason: 'bye' })).toEqual({ ok: false, problems: ['reason is not a field of Goodbye (it has no fields)'] });
    expect(await checkActionArgs(Goodbye, 'bye')).toEqual({ ok: false, problems: ['the arguments must be a JSON object'] });
  });
});
