// Fuzzing the event-trace importers (CSV and JSONL, plain and gzip) with the
// suite's campaign (reader-campaign.ts). Cases are split 6,000 event traces,
// 4,000 snapshots (a snapshot case costs about 1.5 times as much): the two
// files take about as long, side by side.

import { readerCampaignTest } from './reader-campaign.js';

readerCampaignTest(['csv', 'jsonl'], 6000);
