// The slider's states of a record, as of each position: asked for one at a
// time, so a drag across many positions asks for the one it stops at, not
// for each it passes; guesses (the positions either side of the one shown)
// are asked for while nothing else is waiting, and give way to a position
// asked for. Answers are kept, the most recently used first.

/** States kept: a position asked for again within these is drawn with no request. */
const STATES_KEPT_MAX = 64;

export class States {
  /** `load(asOf, signal)` → the record's links as of `asOf`. */
  constructor(load) {
    this.load = load;
    this.answers = new Map();
    this.inFlight = null;
    this.wanted = null;
    this.guesses = [];
    this.stopped = false;
  }

  /** The state as of `asOf` if it is kept, else undefined. */
  kept(asOf) {
    const answer = this.answers.get(asOf);
    if (answer !== undefined) {
      this.answers.delete(asOf);
      this.answers.set(asOf, answer);
    }
    return answer;
  }

  /**
   * The state as of `asOf`, or null when a later `get` took its place
   * before it was asked for (the slider moved on).
   */
  get(asOf) {
    const answer = this.kept(asOf);
    if (answer !== undefined) return Promise.resolve(answer);
    if (this.wanted) this.wanted.resolve(null);
    if (this.inFlight && this.inFlight.asOf === asOf) {
      this.wanted = null;
      this.inFlight.guess = false;
      return this.inFlight.promise;
    }
    if (this.inFlight && this.inFlight.guess) this.inFlight.controller.abort();
    return new Promise((resolve, reject) => {
      this.wanted = { asOf, resolve, reject };
      this.pump();
    });
  }

  /** Positions to ask for ahead, first the likeliest; replaces the earlier guesses. */
  guess(asOfs) {
    this.guesses = asOfs.filter((asOf) => asOf !== undefined);
    this.pump();
  }

  /** The view is gone: nothing more is asked for, the request out is cancelled. */
  stop() {
    this.stopped = true;
    this.guesses = [];
    if (this.wanted) this.wanted.resolve(null);
    this.wanted = null;
    if (this.inFlight) this.inFlight.controller.abort();
  }

  pump() {
    if (this.inFlight || this.stopped) return;
    let next = this.wanted;
    this.wanted = null;
    while (!next && this.guesses.length) {
      const asOf = this.guesses.shift();
      if (!this.answers.has(asOf)) next = { asOf, guess: true };
    }
    if (!next) return;
    const controller = new AbortController();
    const flight = { asOf: next.asOf, guess: Boolean(next.guess), controller };
    this.inFlight = flight;
    flight.promise = this.load(next.asOf, controller.signal).then((answer) => {
      this.answers.set(next.asOf, answer);
      if (this.answers.size > STATES_KEPT_MAX) this.answers.delete(this.answers.keys().next().value);
      return answer;
    }).finally(() => {
      this.inFlight = null;
      this.pump();
    });
    if (next.resolve) flight.promise.then(next.resolve, next.reject);
    // A guess nobody took fails quietly (a cancelled one is no failure at all).
    flight.promise.catch(() => {});
  }
}
