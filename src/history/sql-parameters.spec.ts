import { describe, expect, it } from 'vitest';
import { bindParameters } from './sql-parameters';

describe('bindParameters', () => {
  it('binds values and lists in order, numbers included, for each driver', () => {
    const sql = 'SELECT * FROM t WHERE a = :a AND type IN (:...types) AND seq < :seq LIMIT :limit';
    const parameters = { a: 'x', types: ['p', 'q'], seq: 5, limit: 10 };
    expect(bindParameters(sql, parameters, 'sqlite')).toEqual(['SELECT * FROM t WHERE a = ? AND type IN (?, ?) AND seq < ? LIMIT ?', ['x', 'p', 'q', 5, 10]]);
    expect(bindParameters(sql, parameters, 'postgres')).toEqual(['SELECT * FROM t WHERE a = $1 AND type IN ($2, $3) AND seq < $4 LIMIT $5', ['x', 'p', 'q', 5, 10]]);
  });

  it('leaves casts and names that are not parameters as written', () => {
    expect(bindParameters('SELECT :n::integer, :other', { n: 1 }, 'postgres')).toEqual(['SELECT $1::integer, :other', [1]]);
  });

  it('binds a template it has seen before by the parameters given this time', () => {
    const sql = 'SELECT :a, :...list, :b';
    expect(bindParameters(sql, { a: 1, list: [2], b: 3 }, 'postgres')).toEqual(['SELECT $1, $2, $3', [1, 2, 3]]);
    expect(bindParameters(sql, { a: 1, list: [2, 4, 5], b: 3 }, 'postgres')).toEqual(['SELECT $1, $2, $3, $4, $5', [1, 2, 4, 5, 3]]);
    expect(bindParameters(sql, { list: [], b: 3 }, 'sqlite')).toEqual(['SELECT :a, , ?', [3]]);
    expect(bindParameters('SELECT :a, :b', { a: 1, b: 2 }, 'sqlite')).toEqual(['SELECT ?, ?', [1, 2]]);
    expect(bindParameters('SELECT :a, :b', { a: 1 }, 'sqlite')).toEqual(['SELECT ?, :b', [1]]);
    expect(bindParameters('SELECT :a, :b', { a: 1, b: 2 }, 'postgres')).toEqual(['SELECT $1, $2', [1, 2]]);
  });
});
