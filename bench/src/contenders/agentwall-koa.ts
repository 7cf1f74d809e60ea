// Contender (d): AgentWall in Koa 3 with the default MemoryStore, no body parser in front.
import Koa from 'koa';
import { agentwall } from '@agentwall/koa';
import { agentwallOptions, describeAgentWall } from './agentwall-options.js';
import { note, serve } from './serve.js';

const options = agentwallOptions();
const firewall = agentwall(options);
note(describeAgentWall(options));
const app = new Koa();
app.use(firewall);
await serve(app.callback(), () => firewall.close());
