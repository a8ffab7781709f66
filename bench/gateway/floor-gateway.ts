import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser } from 'eventsource-parser';
import type { Agent } from 'undici';

/**
 * The least a gateway in Node can do: `node:http` in, undici out, the request and the answer
 * parsed and written again (a stream event by event, the events of one read in one write).
 * No validation, no layers, no accounting: how much of a gateway's CPU is Node's HTTP and JSON.
 */
export function startFloorGateway(
  upstream: string,
  dispatcher: Agent,
): Promise<{ url: string; server: Server }> {
  const target = new URL(upstream);
  const server = createServer(async (request, response) => {
    try {
      const body = JSON.parse(await readAll(request)) as { stream?: boolean };
      const answer = await dispatcher.request({
        origin: target.origin,
        path: `${target.pathname}/chat/completions`,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: request.headers.authorization ?? '',
        },
        body: JSON.stringify(body),
      });
      if (body.stream !== true) {
        const text = JSON.stringify(JSON.parse(await answer.body.text()));
        response.writeHead(answer.statusCode, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        response.end(text);
        return;
      }
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
      });
      let pending = '';
      const parser = createParser({
        onEvent(event) {
          pending +=
            event.data === '[DONE]'
              ? 'data: [DONE]\n\n'
              : `data: ${JSON.stringify(JSON.parse(event.data))}\n\n`;
        },
      });
      const decoder = new TextDecoder();
      for await (const piece of answer.body) {
        parser.feed(decoder.decode(piece as Buffer, { stream: true }));
        if (pending !== '') response.write(pending);
        pending = '';
      }
      response.end();
    } catch (error) {
      response.destroy(error as Error);
    }
  });
  server.keepAliveTimeout = 600_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, server });
    });
  });
}

function readAll(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    request.on('data', (piece: Buffer) => pieces.push(piece));
    request.on('end', () => resolve(Buffer.concat(pieces).toString('utf8')));
    request.on('error', reject);
  });
}
