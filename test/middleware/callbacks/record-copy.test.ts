import { type CallbackKwargs, type CallRecord, callRecordSchema, createClient } from 'shallot';
import { describe, expect, it } from 'vitest';

const messages = [{ role: 'user' as const, content: 'Hi, my key is sk-live-0123456789abcdef' }];

describe('the record in kwargs (standard_logging_object)', () => {
  it('each callback reads its own copy: one that edits its record changes nobody else’s', async () => {
    const client = createClient();
    const seen: CallRecord[] = [];
    client.successCallback = [
      (kwargs: CallbackKwargs) => {
        const record = kwargs.standard_logging_object as CallRecord;
        record.model = 'edited';
        (record.messages as Array<{ content: string }>)[0] = { content: 'edited' };
        seen.push(record);
      },
      (kwargs: CallbackKwargs) => {
        seen.push(kwargs.standard_logging_object as CallRecord);
      },
    ];
    await client.completion({
      model: 'gpt-4o-mini',
      messages,
      mockResponse: 'hello',
      apiKey: 'sk-live-0123456789abcdef',
    });
    await client.flush();
    expect(seen).toHaveLength(2);
    expect(seen[0]?.model).toBe('edited');
    expect(seen[1]?.model).toBe('gpt-4o-mini');
    expect(callRecordSchema.parse(seen[1])).toBeTruthy();
    expect(JSON.stringify(seen[1]?.messages)).not.toContain('sk-live-0123456789abcdef');
  });

  it('is an ordinary property to a callback: listed, spread, serialised, reassigned', async () => {
    const client = createClient();
    let kwargs: CallbackKwargs | undefined;
    client.successCallback = [
      (received: CallbackKwargs) => {
        kwargs = received;
      },
    ];
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'hello' });
    await client.flush();
    const received = kwargs as CallbackKwargs;
    expect(Object.keys(received)).toContain('standard_logging_object');
    expect({ ...received }.standard_logging_object?.status).toBe('success');
    expect(JSON.parse(JSON.stringify(received)).standard_logging_object.status).toBe('success');
    received.standard_logging_object = undefined;
    expect(received.standard_logging_object).toBeUndefined();
  });
});
