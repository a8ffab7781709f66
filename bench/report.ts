import type { BenchConfig, WorkloadId } from './config.js';
import { count, decimal, megabytes, percent, ratio, signedBytes } from './format.js';
import type { GatewayResult } from './gateway/summary.js';
import type { MachineInfo } from './machine.js';
import { markdownTable } from './markdown.js';
import type { MedianAndMax } from './stats.js';
import type { CacheHitResult } from './workloads/cache-hit.js';
import type { WorkloadSummary } from './workloads/compare.js';
import type { MemoryResult } from './workloads/memory.js';
import type { OverheadFigure, OverheadResult } from './workloads/overhead.js';

/** Everything one run of the benchmark measured. */
export interface BenchResults {
  machine: MachineInfo;
  config: BenchConfig;
  workloads: WorkloadId[];
  compared: WorkloadSummary[];
  gateway?: GatewayResult;
  overhead?: OverheadResult;
  cacheHit?: CacheHitResult;
  memory?: MemoryResult;
  /** The dashboard queries' section, as the dashboard workload renders it. */
  dashboard?: string;
  seconds: number;
  /** The benchmark process's peak resident set over the whole run. */
  processPeakRssBytes: number;
  /** The machine's 1-minute load average when the run started and when it ended. */
  loadAverage: { start: number; end: number };
}

/** The results as markdown: machine, summary, one table per workload. */
export function renderReport(results: BenchResults): string {
  const sections = [
    `# shallot benchmark results`,
    `\`npm run bench${results.config.mode === 'quick' ? ' -- --quick' : ''}\`, ${results.config.mode} run of ${results.workloads.join(', ')}, ${decimal(results.seconds, 0)} s. How to read it: [README.md](README.md).`,
    renderMachine(results),
  ];
  if (results.compared.length > 0) sections.push(renderSummary(results.compared));
  for (const workload of results.compared) sections.push(renderWorkload(workload));
  if (results.gateway) sections.push(renderGateway(results.gateway));
  if (results.overhead) sections.push(renderOverhead(results.overhead));
  if (results.cacheHit) sections.push(renderCacheHit(results.cacheHit));
  if (results.memory) sections.push(renderMemory(results.memory));
  if (results.dashboard) sections.push(results.dashboard.trim());
  return `${sections.join('\n\n')}\n`;
}

function renderMachine(results: BenchResults): string {
  const { machine } = results;
  const rows = [
    ['date', machine.date],
    ['CPU', `${machine.cpu}, ${machine.cores} cores`],
    ['memory', `${decimal(machine.totalMemoryBytes / 2 ** 30, 1)} GB`],
    ['OS', machine.os],
    ['Node.js', `${machine.node} (its built-in fetch: undici ${machine.nodeBundledUndici})`],
    ...Object.entries(machine.packages).map(([name, version]) => [name, version]),
    [
      'load average, 1 min',
      `${decimal(results.loadAverage.start, 2)} at the start, ${decimal(results.loadAverage.end, 2)} at the end`,
    ],
    ['peak RSS, benchmark process', megabytes(results.processPeakRssBytes)],
  ];
  return `## Machine\n\n${markdownTable(['', ''], rows)}`;
}

function renderSummary(compared: readonly WorkloadSummary[]): string {
  // Every contender of any workload, in the order they first appear (the floor first).
  const names = [
    ...new Set(compared.flatMap((workload) => workload.contenders.map(({ name }) => name))),
  ];
  const rows = names.map((name) => [
    name,
    ...compared.map((workload) => {
      const figure = workload.contenders.find((contender) => contender.name === name);
      return figure ? `${ratio(figure.rateRatio)} (CPU ${ratio(figure.cpuRatio)})` : '';
    }),
  ]);
  return [
    '## Summary',
    'Median throughput as a share of the floor (higher is better), and CPU per call (per chunk for stream2000) as a multiple of the floor\u2019s (lower is better).',
    markdownTable(['contender', ...compared.map((workload) => workload.id)], rows),
  ].join('\n\n');
}

function renderWorkload(workload: WorkloadSummary): string {
  const unit = workload.unit;
  const rows = workload.contenders.map((figure) => [
    figure.name,
    count(figure.rate),
    ratio(figure.rateRatio),
    percent(figure.rateSpread),
    decimal(figure.cpuMicrosPerUnit, unit === 'chunk' ? 2 : 1),
    ratio(figure.cpuRatio),
    megabytes(figure.peakRssBytes),
    megabytes(figure.peakHeapBytes),
    percent(figure.serverBusy),
  ]);
  return [
    `## ${workload.title}`,
    `${count(workload.unitsPerRun)} ${unit}s per run, ${workload.rounds} rounds; medians over the rounds. ${otherLoadLine(workload.otherLoad, workload.repeats)}`,
    markdownTable(
      [
        'contender',
        `${unit}s/s`,
        'vs floor',
        'spread',
        `CPU µs/${unit}`,
        'vs floor',
        'peak RSS',
        'peak heap',
        'server busy',
      ],
      rows,
    ),
  ].join('\n\n');
}

/** The bars of issue 20, for shallot's gateways: a share of the direct calls' throughput, an added latency. */
const GATEWAY_BARS = { ratio: 0.4, addedMicros: 1_000 };

function renderGateway(gateway: GatewayResult): string {
  const { sizes } = gateway;
  const bar = (target: string, met: boolean) =>
    target.startsWith('shallot') ? (met ? 'met' : 'missed') : '';
  const throughput = gateway.throughput.map((figure) => [
    figure.kind,
    figure.target,
    count(figure.rate),
    // Three decimals: a ratio of 0.396 misses a bar of 0.40, and should not read as 0.40.
    `${decimal(figure.ratio, 3)}×`,
    `${decimal(figure.ratioRange[0], 3)}×–${decimal(figure.ratioRange[1], 3)}×`,
    percent(figure.rateSpread),
    decimal(figure.gatewayCpuMicros, 1),
    decimal(figure.loadCpuMicros, 1),
    percent(figure.serverBusy),
    bar(figure.target, figure.ratio >= GATEWAY_BARS.ratio),
  ]);
  const latency = gateway.latency.map((figure) => [
    figure.kind,
    figure.target,
    count(figure.medianMicros),
    count(figure.p90Micros),
    count(figure.addedMicros),
    `${count(figure.addedRange[0])}–${count(figure.addedRange[1])}`,
    decimal(figure.gatewayCpuMicros, 1),
    figure.kind === 'plain'
      ? bar(figure.target, figure.addedMicros < GATEWAY_BARS.addedMicros)
      : '',
  ]);
  const failures = gateway.failures.map(
    (failure) => `- **${failure.target}** could not run ${failure.kind}: ${failure.error}`,
  );
  return [
    '## Gateway: the same load straight to the fake server and through a gateway',
    `The floor's calls (undici, \`JSON.parse\`, eventsource-parser), sent straight to the fake server and through each gateway, every gateway in a process of its own; load, gateway and fake server share the machine. The floor is the least a gateway in Node does (\`node:http\` in, undici out, the request and the answer parsed and written again; \`bench/gateway/floor-gateway.ts\`): how much of a gateway's cost is Node's own. ${count(sizes.plain.calls)} plain calls and ${count(sizes.stream20.calls)} 20-chunk streams per run, ${gateway.concurrency} in flight, then ${count(sizes.latencyCalls)} calls one at a time of each kind; ${gateway.rounds} rounds, medians over the rounds. ${otherLoadLine(gateway.otherLoad, gateway.repeats)}`,
    `Throughput, ${gateway.concurrency} in flight: **vs direct** is the median over the rounds of the target's rate over the direct calls' rate in the same round (its lowest and highest in **range**); CPU per call of the gateway's process and of the load's; the bar is ${ratio(GATEWAY_BARS.ratio)}.`,
    markdownTable(
      [
        'calls',
        'target',
        'calls/s',
        'vs direct',
        'range',
        'spread',
        'gateway CPU µs/call',
        'load CPU µs/call',
        'server busy',
        'bar',
      ],
      throughput,
    ),
    `Latency, one call in flight (a stream: to its \`[DONE]\`): **added** is the median over the rounds of the target's median latency less the direct calls' in the same round; the bar is ${count(GATEWAY_BARS.addedMicros)} µs for plain calls.`,
    markdownTable(
      ['calls', 'target', 'median µs', 'p90 µs', 'added µs', 'range', 'gateway CPU µs/call', 'bar'],
      latency,
    ),
    ...(failures.length === 0 ? [] : [failures.join('\n')]),
  ].join('\n\n');
}

function overheadRows(figures: readonly OverheadFigure[]): string[][] {
  return figures.map((figure) => [
    figure.label,
    decimal(figure.microsPerCall, 2),
    decimal(figure.cpuMicrosPerCall, 2),
    figure.increment === undefined
      ? ''
      : `${figure.increment >= 0 ? '+' : '−'}${decimal(Math.abs(figure.increment), 2)}`,
  ]);
}

function renderOverhead(overhead: OverheadResult): string {
  const header = ['client', 'µs/call', 'CPU µs/call', 'increment µs'];
  return [
    '## Overhead: the onion without a network',
    `Sequential \`mockResponse: 'hi'\` calls, ${count(overhead.callsPerRun)} per run, ${overhead.rounds} rounds; medians. ${otherLoadLine(overhead.otherLoad, overhead.repeats)}`,
    markdownTable(header, overheadRows(overhead.userLayers)),
    `One pass-through layer costs **${decimal(overhead.microsPerUserLayer, 3)} µs** per call ((${overhead.layers} layers − 0 layers) / ${overhead.layers}).`,
    'The built-in layers, added one at a time in `createClient`\u2019s order (the increment is each layer\u2019s own cost):',
    markdownTable(header, overheadRows(overhead.builtIn)),
    'The router (`router()`, in memory), against the same model called directly; the bar is 5 µs:',
    markdownTable(header, overheadRows(overhead.router)),
    'The limits (`limits()`, in memory, a rule per user that never refuses; every call has `metadata.user`), against the same model called directly (each increment is over the direct call); the bar is 5 µs:',
    markdownTable(header, overheadRows(overhead.limits)),
    ...(overhead.facade === undefined
      ? []
      : [
          'The openai facade (`shallot/openai`): `chat.completions.create()` against `client.completion()` on an identical client; the bar is 3 µs:',
          markdownTable(header, overheadRows(overhead.facade)),
        ]),
  ].join('\n\n');
}

function renderCacheHit(cacheHit: CacheHitResult): string {
  return [
    '## Cache hit',
    `One request repeated through \`createClient()\` with \`client.cache = new Cache()\`, sequential, ${count(cacheHit.hits)} hits in ${cacheHit.runs} runs after the warm-up. ${otherLoadLine(cacheHit.otherLoad, cacheHit.repeats)}`,
    markdownTable(
      ['mean µs/hit', 'median of runs µs/hit', 'CPU µs/hit'],
      [
        [
          decimal(cacheHit.meanMicrosPerHit, 2),
          decimal(cacheHit.medianMicrosPerHit, 2),
          decimal(cacheHit.cpuMicrosPerHit, 2),
        ],
      ],
    ),
  ].join('\n\n');
}

function renderMemory(memory: MemoryResult): string {
  const rows = [
    ['start', megabytes(memory.startHeapBytes), ''],
    ...memory.samples.map((sample, index) => {
      const before =
        index === 0 ? memory.startHeapBytes : (memory.samples[index - 1]?.heapBytes ?? 0);
      return [
        count(sample.calls),
        megabytes(sample.heapBytes),
        signedBytes(sample.heapBytes - before),
      ];
    }),
  ];
  const settledFrom = count(memory.settledSteps * memory.step);
  return [
    '## Memory',
    `${count(memory.calls)} calls through "shallot full", ${count(memory.step)} at a time, then \`flush()\`, a full GC and the heap in use. Peak RSS: **${megabytes(memory.peakRssBytes)}**.`,
    markdownTable(['calls', 'heap used', 'change'], rows),
    `Growth after the first ${settledFrom} calls (least squares): **${signedBytes(memory.growthBytesPerStep)} per ${count(memory.step)} calls**.`,
  ].join('\n\n');
}

function otherLoadLine(load: MedianAndMax, repeats: number): string {
  const repeated =
    repeats === 0
      ? ''
      : ` ${repeats} disturbed run${repeats === 1 ? ' was' : 's were'} measured again.`;
  return `Other processes on the machine used ${percent(load.median)} of a core during a median run, ${percent(load.max)} at most.${repeated}`;
}
