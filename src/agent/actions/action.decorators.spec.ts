import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { Action } from './action';
import { actionJsonSchema, actionSpec, ActionField, InteractiveAction } from './action.decorators';

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
}

@InteractiveAction({ description: 'Front desk.', children: [BookTable], name: 'front_desk' })
class FrontDesk extends Action {}

describe('action declarations', () => {
  it('turn decorated fields into the schema the model fills in', () => {
    expect(actionJsonSchema(actionSpec(BookTable))).toEqual({
      type: 'object',
      properties: {
        people: { type: 'integer', description: 'How many people' },
        name: { type: 'string', description: 'Name for the booking' },
        note: { type: 'string', description: 'Anything else' },
      },
      required: ['people', 'name'],
      additionalProperties: false,
    });
  });

  it('keep the description, the children and an explicit name', () => {
    expect(actionSpec(FrontDesk)).toMatchObject({ name: 'front_desk', description: 'Front desk.', children: [BookTable], fields: [] });
    expect(actionSpec(BookTable)).toMatchObject({ name: 'BookTable', description: 'Books a table.', children: [] });
  });

  it('refuse a class that is not an action', () => {
    class Plain extends Action {}
    expect(() => actionSpec(Plain)).toThrow('Plain is not decorated with @InteractiveAction');
  });
});
