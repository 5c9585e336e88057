// Runs `haven ingest` in this process and reports its peak resident memory (worker threads included)
// on the last line of standard error, for bench/ingest.ts.
import { main } from '../../src/cli.ts';

const code = await main(['ingest', ...process.argv.slice(2)]);
process.stderr.write(`\nPEAK_RSS_KIB ${process.resourceUsage().maxRSS}\n`);
process.exitCode = code;
