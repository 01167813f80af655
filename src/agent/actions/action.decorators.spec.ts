import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsDateString,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Action, type ActionClass } from './action';
import { actionJsonSchema, actionSpec, ActionField, InteractiveAction } from './action.decorators';

enum Seating {
  Inside = 'inside',
  Terrace = 'terrace',
}

class Contact {
  @IsString()
  name!: string;

  @IsOptional()
  @IsEmail()
  email?: string;
}

@InteractiveAction({ description: 'Books a table.' })
class BookTable extends Action {
  @ActionField({ description: 'How many people' })
  @IsInt()
  @Min(1)
  @Max(12)
  people!: number;

  @ActionField({ description: 'Name for the booking' })
  @IsString()
  name!: string;

  @ActionField({ description: 'Anything else', optional: true })
  @IsOptional()
  @IsString()
  note?: string;

  @ActionField({ description: 'Wishes' })
  @IsString({ each: true })
  tags!: string[];

  @ActionField({ description: 'Where to sit' })
  @IsEnum(Seating)
  seating!: Seating;

  @ActionField({ description: 'Which sitting' })
  @IsIn(['lunch', 'dinner'])
  sitting!: string;

  @ActionField({ description: 'Who to call' })
  @ValidateNested()
  @Type(() => Contact)
  contact!: Contact;

  @ActionField({ description: 'Confirmation address' })
  @IsEmail()
  email!: string;

  @ActionField({ description: 'When' })
  @IsDateString()
  at!: string;

  @ActionField({ description: 'A free remark, no rule' })
  remark!: string;

  @ActionField({ description: 'High chairs, no rule', optional: true })
  highChairs?: number;
}

@InteractiveAction({ description: 'More rules.' })
class MoreRules extends Action {
  @ActionField({ description: 'Code' })
  @IsString()
  @MinLength(2)
  @MaxLength(8)
  @Matches(/^[A-Z]+$/)
  code!: string;

  @ActionField({ description: 'Guests' })
  @ValidateNested({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @Type(() => Contact)
  guests!: Contact[];

  @ActionField({ description: 'Menu' })
  @IsUrl()
  menu!: string;

  @ActionField({ description: 'Reference' })
  @IsUUID()
  ref!: string;

  @ActionField({ description: 'Day' })
  @IsISO8601()
  day!: string;

  @ActionField({ description: 'Count, typed explicitly', type: 'integer' })
  count!: number;
}

@InteractiveAction({ description: 'Front desk.', children: [BookTable], name: 'front_desk' })
class FrontDesk extends Action {}

@InteractiveAction({ description: 'Says goodbye.' })
class Goodbye extends Action {}

@InteractiveAction({ description: 'A desk whose child is declared below it.', children: () => [LateChild, Goodbye] })
class LazyDesk extends Action {}

@InteractiveAction({ description: 'Declared after its parent.' })
class LateChild extends Action {}

describe('class-validator action declarations', () => {
  it('turn every rule beside an @ActionField into the schema the model fills in', () => {
    expect(actionJsonSchema(actionSpec(BookTable))).toEqual({
      type: 'object',
      properties: {
        people: { type: 'integer', minimum: 1, maximum: 12, description: 'How many people' },
        name: { type: 'string', description: 'Name for the booking' },
        note: { type: 'string', description: 'Anything else' },
        tags: { type: 'array', items: { type: 'string' }, description: 'Wishes' },
        seating: { type: 'string', enum: ['inside', 'terrace'], description: 'Where to sit' },
        sitting: { type: 'string', enum: ['lunch', 'dinner'], description: 'Which sitting' },
        contact: {
          type: 'object',
          properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } },
          required: ['name'],
          additionalProperties: false,
          description: 'Who to call',
        },
        email: { type: 'string', format: 'email', description: 'Confirmation address' },
        at: { oneOf: [{ type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }], description: 'When' },
        remark: { type: 'string', description: 'A free remark, no rule' },
        highChairs: { type: 'number', description: 'High chairs, no rule' },
      },
      required: ['people', 'name', 'tags', 'seating', 'sitting', 'contact', 'email', 'at', 'remark'],
      additionalProperties: false,
    });
  });

  it('turn length, pattern, array size, url, uuid and ISO 8601 rules and an explicit type into the schema', () => {
    const contact = { type: 'object', properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } }, required: ['name'], additionalProperties: false };
    expect(actionJsonSchema(actionSpec(MoreRules)).properties).toEqual({
      code: { type: 'string', minLength: 2, maxLength: 8, pattern: '^[A-Z]+$', description: 'Code' },
      guests: { type: 'array', items: contact, minItems: 1, maxItems: 3, description: 'Guests' },
      menu: { type: 'string', format: 'url', description: 'Menu' },
      ref: { type: 'string', format: 'uuid', description: 'Reference' },
      day: { oneOf: [{ type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }], description: 'Day' },
      count: { type: 'integer', description: 'Count, typed explicitly' },
    });
  });

  it('list the fields with their description and whether they are optional', () => {
    const fields = actionSpec(BookTable).fields.map(({ name, description, optional }) => ({ name, description, optional }));
    expect(fields.slice(0, 3)).toEqual([
      { name: 'people', description: 'How many people', optional: false },
      { name: 'name', description: 'Name for the booking', optional: false },
      { name: 'note', description: 'Anything else', optional: true },
    ]);
  });

  it('keep the description, the children and an explicit name', () => {
    expect(actionSpec(FrontDesk)).toMatchObject({ name: 'front_desk', description: 'Front desk.', children: [BookTable], fields: [] });
    expect(actionSpec(BookTable)).toMatchObject({ name: 'BookTable', description: 'Books a table.', children: [] });
  });

  it('give an action with no fields an empty object schema', () => {
    expect(actionJsonSchema(actionSpec(Goodbye))).toEqual({ type: 'object', properties: {}, required: [], additionalProperties: false });
  });

  it('resolve lazy children, declared after their parent in the same file', () => {
    expect(actionSpec(LazyDesk).children).toEqual([LateChild, Goodbye]);
  });

  it('name the parent when a child is still undefined', () => {
    @InteractiveAction({ description: 'Broken.', children: () => [undefined as unknown as ActionClass] })
    class Broken extends Action {}
    expect(() => actionSpec(Broken)).toThrow("Broken's child #1 is undefined: declared after it? Write children: () => [...]");
  });

  it('refuse a class that is not an action', () => {
    class Plain extends Action {}
    expect(() => actionSpec(Plain)).toThrow('Plain is not decorated with @InteractiveAction');
  });

  it('refuse fields declared both ways', () => {
    @InteractiveAction({ description: 'Both.', args: z.object({ a: z.string() }) })
    class Both extends Action {
      @ActionField({ description: 'b' })
      b!: string;
    }
    expect(() => actionSpec(Both)).toThrow('Both declares fields both in args and with @ActionField: choose one');
  });
});
