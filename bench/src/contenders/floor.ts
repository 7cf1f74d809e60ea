// The floor: the thinnest reverse proxy for the chat route, on node:http alone.
import { floorHandler } from './floor-handler.js';
import { serve } from './serve.js';

await serve(floorHandler);
