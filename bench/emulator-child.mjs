// The emulator in a process of its own, so the side under test does not share its event loop (or its
// synchronous fsyncs) with the other side of the wire. Prints one line `EMULATOR <url>` once listening;
// controlled over its HTTP control API (/_emulator/...). Options come as JSON in argv[2].
import { fromDist } from './lib.mjs';

const { startEmulator } = await fromDist('emulator/index.js');
const options = JSON.parse(process.argv[2] ?? '{}');
const emulator = await startEmulator({ port: 0, ...options });
process.stdout.write(`EMULATOR ${emulator.url}\n`);
const stop = async () => {
  await emulator.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
