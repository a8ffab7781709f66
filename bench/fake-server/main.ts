/**
 * The fake OpenAI-compatible server, run in its own process (`fork`) so that its work never
 * counts as the client's. It listens on 127.0.0.1 at a free port, tells the parent the port
 * over IPC, answers from precomputed buffers, and exits when the parent says 'stop' or goes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LONG_STREAM_MARKER, REFERENCE_API_PATH } from '../wire.js';
import type { AnswerSet, CannedResponse } from './canned.js';
import { answerEmbeddings, embeddingAnswers } from './embeddings.js';
import { buildResponses } from './responses.js';

const responses = buildResponses();
const embeddings = embeddingAnswers();
const EMBEDDINGS_PATH = '/v1/embeddings';
/** Each scenario's endpoint and its answers (see scenarios.ts). */
const ENDPOINTS = new Map<string, AnswerSet>([
  ['/v1/chat/completions', responses.bench],
  [`${REFERENCE_API_PATH}/chat/completions`, responses.reference],
]);

const server = createServer({ noDelay: true }, (request, response) => {
  if (request.method === 'POST' && request.url === EMBEDDINGS_PATH) {
    readBody(request, (body) => send(response, answerEmbeddings(embeddings, body)));
    return;
  }
  const answers = request.method === 'POST' ? ENDPOINTS.get(request.url ?? '') : undefined;
  if (answers === undefined) {
    request.resume();
    send(response, responses.notFound);
    return;
  }
  readBody(request, (body) => send(response, choose(answers, body)));
});
// Clients keep their connections for the whole run; never let the server drop them first.
server.keepAliveTimeout = 600_000;
server.requestTimeout = 0;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ port });
});

process.on('message', (message) => {
  if (message === 'stop') stop();
  // The parent's measure of the server's own load: CPU time used so far, in microseconds.
  else if (message === 'cpu') {
    const usage = process.cpuUsage();
    process.send?.({ cpuMicros: usage.user + usage.system });
  }
});
process.on('disconnect', stop);

function choose(answers: AnswerSet, body: Buffer): CannedResponse {
  if (!body.includes('"stream":true')) return answers.plain;
  return body.includes(LONG_STREAM_MARKER) ? answers.longStream : answers.shortStream;
}

function readBody(request: IncomingMessage, done: (body: Buffer) => void): void {
  const parts: Buffer[] = [];
  request.on('data', (part: Buffer) => parts.push(part));
  request.on('end', () => done(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts)));
}

/** The head and the whole body in one write (Node joins them when `end` gets the body). */
function send(response: ServerResponse, canned: CannedResponse): void {
  response.writeHead(canned.status, canned.headers);
  response.end(canned.body);
}

function stop(): void {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
