// Fuzzing the snapshot readers (Snapshot.dump() pickles and JSONL snapshot
// files, plain and gzip) as diff opens them, with the suite's campaign
// (reader-campaign.ts). Cases are split 6,000 event traces, 4,000 snapshots
// (a snapshot case costs about 1.5 times as much): the two files take about
// as long, side by side.

import { readerCampaignTest } from './reader-campaign.js';

readerCampaignTest(['snapshot-pickle', 'snapshot-jsonl'], 4000);
