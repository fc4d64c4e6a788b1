import { describe, expect, it } from '@jest/globals';
import { OpenApiAnswers, type OpenApiDocument } from './openapi-answers.js';

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });

const doc: OpenApiDocument = {
  paths: {
    '/api/proposals': { get: { responses: { '200': json({ type: 'array', items: { $ref: '#/components/schemas/Proposal' } }) } } },
    '/api/proposals/{id}': { get: { responses: { '200': json({ $ref: '#/components/schemas/Proposal' }) } } },
    '/api/proposals/summary': { get: { responses: { '200': json({ type: 'object', properties: { pending: { type: 'number' } }, required: ['pending'] }) } } },
  },
  components: {
    schemas: {
      Person: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      Proposal: {
        type: 'object',
        properties: {
          proposalId: { type: 'string' },
          checker: { type: 'string', nullable: true },
          language: { type: 'string', enum: ['fr', 'en'], nullable: true },
          maker: { nullable: true, allOf: [{ $ref: '#/components/schemas/Person' }] },
        },
        required: ['proposalId', 'checker'],
      },
    },
  },
};

describe('OpenApiAnswers', () => {
  const answers = new OpenApiAnswers(doc);

  it('finds the route of a concrete path, its query left aside, a literal segment before a parameter', () => {
    expect(answers.problems('GET', '/api/proposals/4f2a?x=1', 200, { proposalId: '4f2a', checker: null })).toEqual([]);
    expect(answers.problems('GET', '/api/proposals/summary', 200, { pending: 2 })).toEqual([]);
    expect(answers.problems('GET', '/api/proposals/summary', 200, { proposalId: 'x', checker: null })).toEqual([
      "GET /api/proposals/summary 200: data must have required property 'pending'",
    ]);
  });

  it('names what an answer lacks or has of the wrong type, through references and arrays', () => {
    expect(answers.problems('GET', '/api/proposals?status=PENDING', 200, [{ proposalId: 'a', checker: 'bob' }, { proposalId: 7 }])).toEqual([
      "GET /api/proposals?status=PENDING 200: data/1 must have required property 'checker', data/1/proposalId must be string",
    ]);
  });

  it('reads nullable as "or null" for the whole schema: an enum, a reference to another class', () => {
    const ok = { proposalId: 'p', checker: null, language: null, maker: null };
    expect(answers.problems('GET', '/api/proposals/p', 200, ok)).toEqual([]);
    expect(answers.problems('GET', '/api/proposals/p', 200, { ...ok, language: 'fr', maker: { id: 'alice' } })).toEqual([]);
    expect(answers.problems('GET', '/api/proposals/p', 200, { ...ok, language: 'de', maker: {} })).toHaveLength(1);
    expect(answers.problems('GET', '/api/proposals/p', 200, { ...ok, language: 'de', maker: {} })[0]).toMatch(
      /language must be equal to one of the allowed values.*maker must have required property 'id'/s,
    );
  });

  it('has nothing to say of an answer the document gives no schema (another status, an unknown route)', () => {
    expect(answers.schemaOf('GET', '/api/proposals/x', 404)).toBeUndefined();
    expect(answers.problems('GET', '/api/proposals/x', 404, { message: 'no proposal x' })).toEqual([]);
    expect(answers.problems('GET', '/api/other', 200, 'anything')).toEqual([]);
  });
});
