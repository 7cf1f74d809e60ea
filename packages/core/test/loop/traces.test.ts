// Short agent traces, healthy and stuck: zero false alarms, and each loop caught exactly where it should be.
import type { LoopType } from '../../src/loop/index.js';
import type { ChatRequest } from '../../src/protocols/openai-chat/request.js';
import { agent, asst, calls, growing, obs, req, reqFor, result, runTrace, sys, user, type TraceStep } from './helpers.js';

interface Trace {
  name: string;
  steps: Array<TraceStep | ChatRequest>;
  /** 1-based index of the request that must be caught, or null for never. */
  caughtAt: number | null;
  loopType?: LoopType;
}

const ANALYST = sys(
  'You are a careful data analyst for an online retailer. Answer in English, show the numbers you used, and say so when the data is insufficient.',
);
const CODER = sys('You are a coding agent. Use the tools to read and change files, run the tests, and stop when they pass.');

const poll = (status: string, id = 'call_0') => [calls({ name: 'get_job_status', args: '{"job_id":"build-42"}', id }), result(status, id)];
const readFile = (path: string, body: string) => [calls({ name: 'read_file', args: JSON.stringify({ path }) }), result(body)];
const screenshot = (n: number) => {
  let data = 'data:image/png;base64,';
  let x = n * 2654435761;
  for (let i = 0; i < 5000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    data += 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[x >>> 26];
  }
  return data;
};
const withImage = (text: string, url: string) => ({ role: 'user', content: [{ type: 'text', text }, { type: 'image_url', image_url: { url } }] });

/** A text agent running its reproduction script, word for word the same turn and output every time. */
const repro = () => [agent('Run the reproduction script.', 'python reproduce.py'), obs('AssertionError: expected 3, got 2', 1)];
const pytest = (out: string) => [calls({ name: 'bash', args: '{"command":"python -m pytest tests/test_date.py -q"}' }), result(out)];
const grepClass = (name: string, line: number) => [
  agent(`The class inherits from the next one up; find where class ${name} is defined.`, `grep -rn "class ${name}" astropy/io/ascii/`),
  obs(`astropy/io/ascii/fixedwidth.py:${40 + 30 * line}:class ${name}(core.BaseReader):`),
];
const sedSibling = (file: string) => [
  agent(`Apply the same rename to ${file}, as in the other writers.`, `sed -i 's/header_rows=None/header_rows=header_rows/' astropy/io/ascii/${file}`),
  obs(''),
];
const book = () => [
  calls({ name: 'book_reservation', args: '{"flight":"HAT170","date":"2024-05-20","payment_methods":[{"id":"gift_card_7","amount":300},{"id":"certificate_2","amount":250}]}' }),
  result('Error: payment amount does not add up, total price is 612'),
];
const think = () => [calls({ name: 'think', args: '{"thought":"The payment must add up to the total; I will book again with the same split."}' }), result('')];
const FORMAT_ERROR =
  'Please always provide EXACTLY ONE action in triple backticks, found 0 actions. If you want to end the task, please issue the following command: `echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT` without any other command.';
const formatLoop = (target: string) =>
  `THOUGHT: I need to look at the failing test to understand what it expects from the RST writer, so I will print ${target} and read the assertion about header rows before changing anything.`;

const monitor = (time: string) =>
  req(
    user(
      `It is now ${time}. Check the replication lag of the primary database cluster in the Frankfurt region and tell me whether it is above the alert threshold of five seconds.`,
    ),
  );

const healthy: Trace[] = [
  {
    name: "the guide's Step 1 → Step 2",
    steps: growing([user('Analyze this data: [1,2,3,4,5]')], [asst('Mean 3, median 3, a linear rise of one per step.'), user('Now generate a solution')]),
    caughtAt: null,
  },
  {
    name: 'a six-turn growing conversation',
    steps: growing(
      [ANALYST, user('Load the March sales export and tell me the total revenue.')],
      [asst('Total revenue in March was 1.24M EUR across 18,402 orders.'), user('Break it down by country.')],
      [asst('Germany 41%, France 22%, Italy 14%, Spain 11%, other 12%.'), user('Which country grew the most compared to February?')],
      [asst('Spain grew the most, up 19% month over month, driven by the spring campaign.'), user('Plot the weekly trend for Spain.')],
      [asst('Here is the weekly series: 61k, 66k, 74k, 81k. A chart is attached as a table.'), user('Draft a two-line summary for the CEO.')],
      [asst('March revenue reached 1.24M EUR; Spain led growth at +19% on the spring campaign.'), user('Thanks, that is all.')],
    ),
    caughtAt: null,
  },
  {
    name: '"continue" turns after different replies',
    steps: growing(
      [user('Write a long story about a clockmaker.')],
      [asst('In the town of Verl, the clockmaker Ilse repaired every clock but her own.'), user('continue')],
      [asst('One winter morning a boy brought her a watch that ran backwards and hummed a tune.'), user('continue')],
      [asst('She opened the case and found, instead of gears, a tiny folded map of the town.'), user('continue')],
      [asst('The map marked the old bell tower with a red cross and the words: wind me at midnight.'), user('continue')],
      [asst('At midnight the tower groaned, and every clock in Verl struck thirteen at once.'), user('continue')],
    ),
    caughtAt: null,
  },
  {
    name: '"keep going" turns with long, varied replies',
    steps: growing(
      [user('Explain the history of the printing press in detail, in parts.')],
      [asst('Part one: before Gutenberg, woodblock printing spread from China across Asia, and scribes copied books by hand in Europe.'), user('keep going')],
      [asst('Part two: around 1440 in Mainz, Gutenberg combined movable metal type, oil-based ink and a screw press adapted from wine making.'), user('keep going')],
      [asst('Part three: by 1500 presses operated in over 250 European cities, printing millions of volumes, many of them religious texts.'), user('keep going')],
    ),
    caughtAt: null,
  },
  {
    name: 'polling a job whose status changes (stateful)',
    steps: growing([CODER, user('Wait for build 42 and report.'), ...poll('queued')], poll('running 10%'), poll('running 55%'), poll('running 90%'), poll('passed')),
    caughtAt: null,
  },
  {
    name: 'polling a tool twice with the same result, then it changes',
    steps: growing([CODER, user('Wait for build 42 and report.'), ...poll('running')], poll('running'), poll('passed')),
    caughtAt: null,
  },
  {
    name: 'polling twice with the same result, then answering',
    steps: growing([CODER, user('Wait for build 42 and report.'), ...poll('running')], poll('running'), [asst('Still running; I will check later.'), user('ok, check now')]),
    caughtAt: null,
  },
  {
    name: 'stateless polling: the same exchange twice, then a new result',
    steps: [req(CODER, user('Build 42?'), ...poll('running')), req(CODER, user('Build 42?'), ...poll('running')), req(CODER, user('Build 42?'), ...poll('passed'))],
    caughtAt: null,
  },
  {
    name: 'polling twice, a text step, then polling twice again',
    steps: [
      req(CODER, user('Build 42?'), ...poll('running')),
      req(CODER, user('Build 42?'), ...poll('running')),
      req(CODER, user('Build 42? Also tell me who started it.')),
      req(CODER, user('Build 42?'), ...poll('running')),
      req(CODER, user('Build 42?'), ...poll('running')),
    ],
    caughtAt: null,
  },
  {
    name: 'the same tool with the same arguments but a different result each time',
    steps: [1, 2, 3, 4, 5].map((n) => req(user('What time is it on the server?'), calls({ name: 'server_time', args: '{}' }), result(`12:00:0${n}`))),
    caughtAt: null,
  },
  {
    name: 'retries after upstream errors',
    steps: [
      { body: req(ANALYST, user('Summarize the March sales export.')), upstreamError: true },
      { body: req(ANALYST, user('Summarize the March sales export.')), upstreamError: true },
      req(ANALYST, user('Summarize the March sales export.')),
      req(ANALYST, user('Summarize the March sales export.'), asst('Revenue 1.24M EUR, 18,402 orders.'), user('And April?')),
    ],
    caughtAt: null,
  },
  {
    name: 'a retry after an upstream error in the middle of a conversation',
    steps: (() => {
      const [s1, s2, s3] = growing(
        [user('Plan a three-day trip to Lisbon.')],
        [asst('Day 1 Alfama and the castle, day 2 Belém, day 3 Sintra.'), user('Add restaurant suggestions.')],
        [asst('Alfama: Taberna Sal Grosso; Belém: pastries at the old factory; Sintra: Tascantiga.'), user('Now a budget.')],
      );
      return [s1!, { body: s2!, upstreamError: true }, s2!, s3!];
    })(),
    caughtAt: null,
  },
  {
    name: 'a multi-task run sharing a system prompt',
    steps: [
      req(ANALYST, user('What share of March orders used express shipping?')),
      req(ANALYST, user('List the ten best-selling products in Italy last quarter.')),
      req(ANALYST, user('Estimate the return rate for shoes versus jackets.')),
      req(ANALYST, user('Which weekday has the highest average basket value?')),
      req(ANALYST, user('Forecast April revenue from the last twelve months.')),
    ],
    caughtAt: null,
  },
  {
    name: 'a batch of tickets classified with the same template',
    steps: [
      'My parcel arrived with the box crushed and two of the glasses inside were broken into pieces.',
      'I was charged twice for the same order last Tuesday and the bank shows both payments as completed.',
      'The jacket I ordered in size medium is far too small, can I exchange it for a large one instead?',
      'Your courier left the package at the wrong address and the neighbour says they never received anything.',
    ].map((ticket) => req(sys('Classify support tickets.'), user(`Classify this customer ticket as damage, billing, sizing or delivery, and reply with one word only: ${ticket}`))),
    caughtAt: null,
  },
  {
    name: 'two runs sending the same requests, interleaved',
    steps: [
      { run: 'a', body: req(user('Analyze this data: [1,2,3,4,5]')) },
      { run: 'b', body: req(user('Analyze this data: [1,2,3,4,5]')) },
      { run: 'a', body: req(user('Analyze this data: [1,2,3,4,5]'), asst('Mean 3.'), user('Now generate a solution')) },
      { run: 'b', body: req(user('Analyze this data: [1,2,3,4,5]'), asst('Mean 3.'), user('Now generate a solution')) },
    ],
    caughtAt: null,
  },
  {
    name: 'three runs polling the same job, each twice',
    steps: ['a', 'b', 'c', 'a', 'b', 'c'].map((run) => ({ run, body: req(CODER, user('Build 42?'), ...poll('running')) })),
    caughtAt: null,
  },
  {
    name: 'a coding agent reading different files',
    steps: growing(
      [CODER, user('Fix the failing date parser test.'), ...readFile('src/date.ts', 'export function parse() {}')],
      readFile('test/date.test.ts', 'it("parses ISO dates", ...)'),
      readFile('src/locale.ts', 'export const LOCALE = "de-DE";'),
      readFile('package.json', '{"name":"dates"}'),
    ),
    caughtAt: null,
  },
  {
    name: 'a coding agent writing different contents to the same file',
    steps: growing(
      [CODER, user('Make the parser accept timezones.')],
      [calls({ name: 'write_file', args: '{"path":"src/date.ts","content":"v1"}' }), result('ok')],
      [calls({ name: 'run_tests', args: '{}' }), result('1 failed')],
      [calls({ name: 'write_file', args: '{"path":"src/date.ts","content":"v2"}' }), result('ok')],
      [calls({ name: 'run_tests', args: '{}' }), result('all passed')],
    ),
    caughtAt: null,
  },
  {
    name: 'alternating two tools whose results change',
    steps: growing(
      [CODER, user('Watch both builds.'), ...poll('running 10%')],
      [calls({ name: 'get_job_status', args: '{"job_id":"build-43"}' }), result('running 5%')],
      poll('running 60%'),
      [calls({ name: 'get_job_status', args: '{"job_id":"build-43"}' }), result('running 40%')],
      poll('passed'),
    ),
    caughtAt: null,
  },
  {
    name: 'a coding agent re-running its reproduction script between edits (text agent, same turn word for word)',
    steps: growing(
      [CODER, user('Fix the off-by-one in counter.py.'), ...repro()],
      [agent('Add a debug print.', "sed -i '12a print(n)' counter.py"), obs('')],
      repro(),
      [agent('Try the obvious fix.', "sed -i 's/n - 1/n/' counter.py"), obs('')],
      [agent('Check the config too.', 'cat setup.cfg'), obs('[tool:pytest]\naddopts = -q')],
      repro(),
      [agent('Restore the file and look again.', 'git checkout counter.py && sed -n 1,40p counter.py'), obs('def count(n):\n    return n - 1')],
      repro(),
      [agent('Fix the right line this time.', "sed -i 's/return n - 1/return n/' counter.py"), obs('')],
      [agent('Run the reproduction script.', 'python reproduce.py'), obs('OK')],
    ),
    caughtAt: null,
  },
  {
    name: 'a coding agent re-running the tests between edits (tool agent)',
    steps: growing(
      [CODER, user('Fix the failing date parser test.'), ...pytest('1 failed')],
      [calls({ name: 'bash', args: '{"command":"sed -i \'s/%d/%e/\' src/date.py"}' }), result('')],
      pytest('1 failed'),
      [calls({ name: 'bash', args: '{"command":"git diff"}' }), result('-%d\n+%e')],
      pytest('1 failed'),
      [calls({ name: 'bash', args: '{"command":"git checkout src/date.py"}' }), result('')],
      pytest('1 failed'),
      [calls({ name: 'bash', args: '{"command":"sed -i \'s/%m/%b/\' src/date.py"}' }), result('')],
      pytest('all passed'),
    ),
    caughtAt: null,
  },
  {
    name: 'walking a class hierarchy with the same grep for each class (text agent)',
    steps: growing(
      [CODER, user('Support header_rows in the RST writer.'), ...grepClass('RST', 0)],
      grepClass('FixedWidth', 1),
      grepClass('FixedWidthData', 2),
      grepClass('FixedWidthHeader', 3),
      grepClass('BaseData', 4),
      grepClass('BaseHeader', 5),
    ),
    caughtAt: null,
  },
  {
    name: 'walking a class hierarchy with the same grep for each class (tool agent)',
    steps: growing(
      [CODER, user('Support header_rows in the RST writer.')],
      ...['RST', 'FixedWidth', 'FixedWidthData', 'BaseData', 'BaseHeader'].map((c, i) => [
        calls({ name: 'bash', args: JSON.stringify({ command: `grep -rn "class ${c}" astropy/io/ascii/` }) }),
        result(`astropy/io/ascii/core.py:${100 + i}:class ${c}(object):`),
      ]),
    ),
    caughtAt: null,
  },
  {
    name: 'the same sed applied to sibling files, each with an empty output',
    steps: growing(
      [CODER, user('Rename the header_rows argument in every writer.'), ...sedSibling('rst.py')],
      sedSibling('fixedwidth.py'),
      sedSibling('basic.py'),
      sedSibling('html.py'),
      sedSibling('latex.py'),
      sedSibling('ecsv.py'),
    ),
    caughtAt: null,
  },
  {
    name: 'a text agent polling a command twice with the same output, then it changes',
    steps: growing(
      [CODER, user('Wait for the server to start.'), agent('Check the log.', 'tail -n 1 server.log'), obs('starting')],
      [agent('Still starting; check again.', 'tail -n 1 server.log'), obs('starting')],
      [agent('Check once more.', 'tail -n 1 server.log'), obs('listening on :8080')],
    ),
    caughtAt: null,
  },
  {
    name: 'one command recurring after each of several different steps (A, B, A, C, A, D, A)',
    steps: growing(
      [CODER, user('Make the build pass.'), ...repro()],
      [agent('Look at the file.', 'cat counter.py'), obs('def count(n): return n - 1')],
      repro(),
      [agent('Look at the test.', 'cat test_counter.py'), obs('assert count(3) == 3')],
      repro(),
      [agent('Look at the history.', 'git log --oneline -3'), obs('a1 fix\nb2 init')],
      repro(),
    ),
    caughtAt: null,
  },
  {
    name: 'an airline agent confirming with the customer between tool calls',
    steps: growing(
      [sys('You are an airline agent.'), user('I want to change both of my reservations to business class.')],
      [calls({ name: 'get_reservation_details', args: '{"reservation_id":"ZFA04Y"}' }), result('{"cabin":"economy","flights":["HAT170"]}')],
      [asst('Reservation ZFA04Y: flight HAT170 on May 20, economy to business, 2 passengers, total 1,120 USD. Do you confirm (yes)?'), user('yes')],
      [calls({ name: 'update_reservation_flights', args: '{"reservation_id":"ZFA04Y","cabin":"business"}' }), result('{"status":"ok"}')],
      [calls({ name: 'get_reservation_details', args: '{"reservation_id":"K1NW8N"}' }), result('{"cabin":"economy","flights":["HAT045"]}')],
      [asst('Reservation K1NW8N: flight HAT045 on May 22, economy to business, 2 passengers, total 1,340 USD. Do you confirm (yes)?'), user('yes')],
      [calls({ name: 'update_reservation_flights', args: '{"reservation_id":"K1NW8N","cabin":"business"}' }), result('{"status":"ok"}')],
    ),
    caughtAt: null,
  },
  {
    name: 'parallel tool calls with changing results',
    steps: [1, 2, 3].map((n) =>
      req(
        user('Compare the two regions.'),
        calls({ name: 'metrics', args: '{"region":"eu"}', id: 'a' }, { name: 'metrics', args: '{"region":"us"}', id: 'b' }),
        result(`eu ${n * 10}ms`, 'a'),
        result(`us ${n * 12}ms`, 'b'),
      ),
    ),
    caughtAt: null,
  },
  {
    name: 'a ReAct agent whose observations change',
    steps: growing(
      [sys('Answer with Thought/Action/Observation steps.'), user('Who directed the film that won Best Picture in 1998?')],
      [asst('Thought: find the 1998 winner. Action: search[Best Picture 1998]'), user('Observation: Titanic won Best Picture at the 70th Academy Awards.')],
      [asst('Thought: find the director. Action: search[Titanic 1997 director]'), user('Observation: Titanic was written and directed by James Cameron.')],
      [asst('Thought: I have the answer. Final Answer: James Cameron.'), user('Observation: none. Confirm the final answer in one sentence.')],
    ),
    caughtAt: null,
  },
  {
    name: 'the same prompt on a fallback model',
    steps: [reqFor('gpt-4o', user('Translate the release notes into German.')), reqFor('gpt-4o-mini', user('Translate the release notes into German.'))],
    caughtAt: null,
  },
  {
    name: 'a request repeated only after it left the window',
    steps: [
      req(user('Give me a status summary of all open incidents.')),
      ...Array.from({ length: 10 }, (_, i) => req(user(`Show the timeline of incident number ${i + 500} in detail.`))),
      req(user('Give me a status summary of all open incidents.')),
    ],
    caughtAt: null,
  },
  {
    name: 'a quiz of short questions differing in one word',
    steps: ['France', 'Germany', 'Spain', 'Italy'].map((c) => req(user(`What is the capital of ${c}?`))),
    caughtAt: null,
  },
  {
    name: 'a vision agent sending a new screenshot with the same instruction',
    steps: [1, 2, 3, 4].map((n) => req(sys('You operate a browser.'), withImage('What should I click next to finish the checkout?', screenshot(n)))),
    caughtAt: null,
  },
  {
    name: 'regenerate: "try again" after different drafts',
    steps: growing(
      [user('Write a tagline for a bakery that opens at 5am.')],
      [asst('Fresh bread before the sun is up.'), user('try again')],
      [asst('Early ovens, warm mornings.'), user('try again')],
      [asst('We knead while you sleep.'), user('try again')],
    ),
    caughtAt: null,
  },
  {
    name: 'summarizing a document chunk by chunk',
    steps: [
      'The committee met on the fourth of May to discuss the budget for the new library, which has been delayed twice.',
      'Members raised concerns about the contractor, whose last three projects were finished late and over their budgets.',
      'After a long debate the committee voted to reopen the tender and to invite at least five new bids by July.',
    ].map((chunk, i) => req(sys('You summarize meeting minutes.'), user(`Summarize chunk ${i + 1} of 3 in one sentence: ${chunk}`))),
    caughtAt: null,
  },
  {
    name: 'a plan-and-execute agent working through its plan',
    steps: [
      req(sys('You are a planner.'), user('Plan the migration of the billing database to PostgreSQL 16.')),
      req(sys('You are an executor.'), user('Step 1: take a full backup of the billing database and verify the checksum.')),
      req(sys('You are an executor.'), user('Step 2: restore the backup on a staging PostgreSQL 16 server and run the schema diff.')),
      req(sys('You are an executor.'), user('Step 3: replay one day of production traffic against staging and compare latencies.')),
    ],
    caughtAt: null,
  },
  {
    name: 'a tool error followed by corrected arguments',
    steps: growing(
      [CODER, user('Open the config.'), calls({ name: 'read_file', args: '{"path":"conf.yml"}' }), result('error: no such file')],
      [calls({ name: 'read_file', args: '{"path":"config.yml"}' }), result('port: 8080')],
      [asst('The service listens on port 8080.'), user('Change it to 9090.')],
    ),
    caughtAt: null,
  },
  {
    name: 'the same question about different images',
    steps: ['a', 'b', 'c'].map((n) => req(withImage('Is there a defect on this circuit board?', `https://cdn.example.com/boards/${n}.jpg`))),
    caughtAt: null,
  },
  {
    name: 'pagination: the same "next" after different pages',
    steps: growing(
      [user('List our customers in Austria, 3 per page.')],
      [asst('1. Alpenmilch GmbH 2. Bergbahn AG 3. Donau Logistik'), user('next')],
      [asst('4. Eisbach KG 5. Feldkirch Tools 6. Graz Optik'), user('next')],
      [asst('7. Hallstatt Reisen 8. Innsbruck Media 9. Jenbach Motors'), user('next')],
    ),
    caughtAt: null,
  },
];

const stuck: Trace[] = [
  {
    name: 'the same request twice',
    steps: [req(ANALYST, user('Summarize the March sales export.')), req(ANALYST, user('Summarize the March sales export.'))],
    caughtAt: 2,
    loopType: 'exact_repeat',
  },
  {
    name: 'an exact repeat after healthy steps',
    steps: [
      req(user('Plan a three-day trip to Lisbon.')),
      req(user('Plan a weekend in Porto.')),
      req(user('Compare train and flight from Lisbon to Porto.')),
      req(user('Compare train and flight from Lisbon to Porto.')),
    ],
    caughtAt: 4,
    loopType: 'exact_repeat',
  },
  {
    name: 'a stateful agent re-sending the same turn',
    steps: (() => {
      const bodies = growing([user('Fix the bug.')], [asst('I will look at the parser first.'), user('go ahead')]);
      return [bodies[0]!, bodies[1]!, bodies[1]!];
    })(),
    caughtAt: 3,
    loopType: 'exact_repeat',
  },
  {
    name: 'the assistant answering the same thing to "continue"',
    steps: growing(
      [user('Write the report.')],
      [asst('I cannot access the data source right now.'), user('continue')],
      [asst('I cannot access the data source right now.'), user('continue')],
    ),
    caughtAt: 3,
    loopType: 'exact_repeat',
  },
  {
    name: 'the same image twice',
    steps: [req(withImage('What should I click?', screenshot(7))), req(withImage('What should I click?', screenshot(7)))],
    caughtAt: 2,
    loopType: 'exact_repeat',
  },
  {
    name: 'a case-changed repeat',
    steps: [req(user('Analyze this data: [1,2,3,4,5]')), req(user('ANALYZE THIS DATA: [1,2,3,4,5]'))],
    caughtAt: 2,
    loopType: 'normalized_repeat',
  },
  {
    name: 'a whitespace- and punctuation-changed repeat',
    steps: [req(user('Check the deploy status.'), user('Then report back.')), req(user('Check   the deploy status'), user('Then\nreport back!'))],
    caughtAt: 2,
    loopType: 'normalized_repeat',
  },
  {
    name: 'a cycle of two: A, B, A, B',
    steps: [req(user('Open the settings page.')), req(user('Go back to the dashboard.')), req(user('Open the settings page.')), req(user('Go back to the dashboard.'))],
    caughtAt: 4,
    loopType: 'cycle',
  },
  {
    name: 'a cycle of three: A, B, C, A, B, C',
    steps: ['Search flights to Oslo.', 'Search hotels in Oslo.', 'Search car rentals in Oslo.', 'Search flights to Oslo.', 'Search hotels in Oslo.', 'Search car rentals in Oslo.'].map((t) => req(user(t))),
    caughtAt: 6,
    loopType: 'cycle',
  },
  {
    name: 'a cycle closing through normalized variants',
    steps: [req(user('Open the settings page.')), req(user('Go back to the dashboard.')), req(user('open the Settings page')), req(user('go back to the dashboard!'))],
    caughtAt: 4,
    loopType: 'cycle',
  },
  {
    name: 'a cycle of two after healthy steps',
    steps: [
      ...Array.from({ length: 5 }, (_, i) => req(user(`Show the timeline of incident number ${i + 500} in detail.`))),
      req(user('Give me a status summary of all open incidents.')),
      req(user('Page the on-call engineer.')),
      req(user('Give me a status summary of all open incidents.')),
      req(user('Page the on-call engineer.')),
    ],
    caughtAt: 9,
    loopType: 'cycle',
  },
  {
    name: 'a tool-call cycle: book, think, book, think (the step limit would come first)',
    steps: growing(
      [sys('You are an airline agent.'), user('Book HAT170 on May 20 with my gift card and certificate.'), ...book()],
      think(),
      book(),
      think(),
      book(),
      think(),
    ),
    caughtAt: 4,
    loopType: 'cycle',
  },
  {
    name: 'alternating two tools with unchanged results',
    steps: growing(
      [CODER, user('Watch both builds.'), ...poll('running')],
      [calls({ name: 'get_job_status', args: '{"job_id":"build-43"}' }), result('running')],
      poll('running'),
      [calls({ name: 'get_job_status', args: '{"job_id":"build-43"}' }), result('running')],
    ),
    caughtAt: 4,
    loopType: 'cycle',
  },
  {
    name: 'a text agent alternating two commands whose outputs never change',
    steps: growing(
      [CODER, user('Fix the import.'), agent('Apply the fix.', "sed -i 's/foo/bar/' a.py"), obs('')],
      [agent('Check it.', 'grep -n bar a.py'), obs('', 1)],
      [agent('It did not apply; apply it again.', "sed -i 's/foo/bar/' a.py"), obs('')],
      [agent('Check it again.', 'grep -n bar a.py'), obs('', 1)],
    ),
    caughtAt: 4,
    loopType: 'cycle',
  },
  {
    name: 'a cycle of three tool steps: A, B, C, A, B, C',
    steps: growing(
      [CODER, user('Deploy.'), calls({ name: 'build', args: '{}' }), result('ok')],
      [calls({ name: 'deploy', args: '{"env":"staging"}' }), result('ok')],
      [calls({ name: 'smoke_test', args: '{"env":"staging"}' }), result('FAILED: 502')],
      [calls({ name: 'build', args: '{}' }), result('ok')],
      [calls({ name: 'deploy', args: '{"env":"staging"}' }), result('ok')],
      [calls({ name: 'smoke_test', args: '{"env":"staging"}' }), result('FAILED: 502')],
    ),
    caughtAt: 6,
    loopType: 'cycle',
  },
  {
    name: 'a tool loop (stateful client)',
    steps: growing([CODER, user('Wait for build 42.'), ...poll('running')], poll('running'), poll('running'), poll('running')),
    caughtAt: 3,
    loopType: 'tool_call_repeat',
  },
  {
    name: 'a tool loop (stateless client)',
    steps: [1, 2, 3, 4].map(() => req(CODER, user('Build 42?'), ...poll('running'))),
    caughtAt: 3,
    loopType: 'tool_call_repeat',
  },
  {
    name: 'a tool loop after healthy steps',
    steps: [
      req(CODER, user('Start build 42 and wait for it.')),
      req(CODER, user('Build 42?'), ...poll('queued')),
      req(CODER, user('Build 42?'), ...poll('stuck: waiting for runner')),
      req(CODER, user('Build 42?'), ...poll('stuck: waiting for runner')),
      req(CODER, user('Build 42?'), ...poll('stuck: waiting for runner')),
    ],
    caughtAt: 5,
    loopType: 'tool_call_repeat',
  },
  {
    name: 'a tool loop with reordered argument keys and fresh call ids',
    steps: ['{"path":"a.txt","mode":"r"}', '{"mode":"r","path":"a.txt"}', '{ "path": "a.txt", "mode": "r" }'].map((args, i) =>
      req(CODER, user('Read a.txt'), calls({ name: 'read_file', args, id: `call_${i}x` }), result('permission denied', `call_${i}x`)),
    ),
    caughtAt: 3,
    loopType: 'tool_call_repeat',
  },
  {
    name: 'a parallel tool-call loop',
    steps: [1, 2, 3].map(() =>
      req(
        user('Compare the two regions.'),
        calls({ name: 'metrics', args: '{"region":"eu"}', id: 'a' }, { name: 'metrics', args: '{"region":"us"}', id: 'b' }),
        result('timeout', 'a'),
        result('timeout', 'b'),
      ),
    ),
    caughtAt: 3,
    loopType: 'tool_call_repeat',
  },
  {
    name: 'a history that already holds three identical exchanges',
    steps: [req(CODER, user('Build 42?'), ...poll('running'), ...poll('running'), ...poll('running'))],
    caughtAt: 1,
    loopType: 'tool_call_repeat',
  },
  {
    name: 'a text agent re-sending the same fenced sed with a new thought each time',
    steps: growing(
      [CODER, user('Fix the import in src/app.py.'), agent('Replace the import.', "sed -i 's/^import foo$/import bar/' src/app.py"), obs('')],
      [agent('The output is empty, which is expected for sed -i. Let me apply it again to be sure.', "sed -i 's/^import foo$/import bar/' src/app.py"), obs('')],
      [agent('I am making the same mistake again; I will run the same command once more.', "sed -i 's/^import foo$/import bar/' src/app.py"), obs('')],
      [agent('Once more.', "sed -i 's/^import foo$/import bar/' src/app.py"), obs('')],
    ),
    caughtAt: 3,
    loopType: 'tool_call_repeat',
  },
  {
    name: 'the same wrong answer submitted again and again',
    steps: growing(
      [user('What is the smallest prime greater than 90? Answer with the number only.')],
      [asst('91'), user('That is not correct. Try again.')],
      [asst('91'), user('That is not correct. Try again.')],
    ),
    caughtAt: 3,
    loopType: 'exact_repeat',
  },
  {
    name: 'the same wrong answer submitted through a tool, again and again',
    steps: growing(
      [sys('Solve the task, then call submit.'), user('What is the smallest prime greater than 90?'), calls({ name: 'submit', args: '{"answer":"91"}' }), result('Incorrect.')],
      [calls({ name: 'submit', args: '{ "answer": "91" }', id: 'call_9' }), result('Incorrect.', 'call_9')],
      [calls({ name: 'submit', args: '{"answer":"91"}', id: 'call_x' }), result('Incorrect.', 'call_x')],
    ),
    caughtAt: 3,
    loopType: 'tool_call_repeat',
  },
  {
    name: 'a templated text loop: prose without a command, answered with the same format error',
    steps: growing(
      [CODER, user('Fix the failing test in tests/test_rst.py.')],
      [asst(formatLoop('tests/test_rst.py')), user(FORMAT_ERROR)],
      [asst(formatLoop('tests/test_rst.py again')), user(FORMAT_ERROR)],
      [asst(formatLoop('the file tests/test_rst.py')), user(FORMAT_ERROR)],
    ),
    caughtAt: 4,
    loopType: 'near_repeat',
  },
  {
    name: 'near repeats: a monitor prompt with a changing timestamp',
    steps: [monitor('10:00:01'), monitor('10:00:31'), monitor('10:01:01')],
    caughtAt: 3,
    loopType: 'near_repeat',
  },
  {
    name: 'near repeats: reworded retries of the same request',
    steps: [
      req(user('Please check whether the nightly build of the payments service has finished and report its final status with the failing tests')),
      req(user('Please verify whether the nightly build of the payments service has finished and report its final status with the failing tests')),
      req(user('Please verify whether the nightly build of the payments service has completed and report its final status with the failing tests')),
    ],
    caughtAt: 3,
    loopType: 'near_repeat',
  },
  {
    name: 'near repeats: an assistant that keeps giving almost the same reply',
    steps: growing(
      [user('Migrate the users table to the new schema.')],
      [asst('I tried to run the migration but the users table is locked by another session, so I will retry the migration now.'), user('That failed again, try again.')],
      [asst('I tried to run the migration but the users table is still locked by another session, so I will retry the migration now.'), user('That failed again, try again.')],
      [asst('I tried to run the migration again but the users table is locked by another session, so I will retry the migration now.'), user('That failed again, try again.')],
    ),
    caughtAt: 4,
    loopType: 'near_repeat',
  },
  {
    name: 'one run stuck while another, interleaved, stays healthy',
    steps: [
      { run: 'a', body: req(user('Plan a three-day trip to Lisbon.')) },
      { run: 'b', body: req(user('Summarize the March sales export.')) },
      { run: 'b', body: req(user('Summarize the April sales export.')) },
      { run: 'a', body: req(user('Plan a three-day trip to Lisbon.')) },
    ],
    caughtAt: 4,
    loopType: 'exact_repeat',
  },
];

describe('agent traces', () => {
  it('has at least 30 traces, healthy and stuck', () => {
    expect(healthy.length + stuck.length).toBeGreaterThanOrEqual(30);
    expect(healthy.length).toBeGreaterThanOrEqual(15);
    expect(stuck.length).toBeGreaterThanOrEqual(15);
  });

  it.each(healthy.map((t) => [t.name, t] as const))('healthy: %s is never blocked', (_name, trace) => {
    expect(runTrace(trace.steps)).toEqual({ caughtAt: null });
  });

  it.each(stuck.map((t) => [t.name, t] as const))('stuck: %s is caught where it should be', (_name, trace) => {
    const out = runTrace(trace.steps);
    expect({ caughtAt: out.caughtAt, loopType: out.finding?.loopType }).toEqual({ caughtAt: trace.caughtAt, loopType: trace.loopType });
  });
});
