// Fuzzing the binary trace reader with the suite's campaign
// (reader-campaign.ts): windows of real traces and grammar-built ones
// written as .mrt, then damaged as bytes or inside a payload whose checksum
// is made right again.

import { readerCampaignTest } from './reader-campaign.js';

readerCampaignTest(['mrt'], 3000);
