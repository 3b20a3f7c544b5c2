// `--verify`: does every block address the model hands out match the address
// the trace recorded? Counts matches and mismatches, keeps the first few.

export const MAX_ADDRESS_EXAMPLES = 5;

export interface AddressMismatch {
  readonly line: number;
  readonly trace: string;
  readonly model: string;
}

export class AddressCheck {
  predicted = 0;
  mismatched = 0;
  readonly examples: AddressMismatch[] = [];

  constructor(private readonly format: (key: number) => string) {}

  check(model: number, trace: number, line: number): void {
    if (model === trace) this.predicted++;
    else this.mismatch(model, trace, line);
  }

  /** The model placed a block elsewhere than the trace says. */
  private mismatch(model: number, trace: number, line: number): void {
    this.mismatched++;
    if (this.examples.length < MAX_ADDRESS_EXAMPLES) {
      this.examples.push({ line, trace: this.format(trace), model: this.format(model) });
    }
  }

  get checked(): number {
    return this.predicted + this.mismatched;
  }
}
