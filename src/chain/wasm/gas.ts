/**
 * nearcore's gas counter on top of the L1 fuel meter. Guest instructions are fuel
 * (× gasPerFuel); host functions burn gas directly; gas attached to promises and the execution
 * half of action fees is "used" but not burnt. One budget covers all three: whenever host gas
 * is added, its whole-fuel equivalent is charged to the meter too, so the guest can never run
 * past `prepaidGas − used`, and `burnt()` stays exact at every host call.
 */
import type { FuelMeter } from '../../sandbox/meter/runtime.js';
import { gasExceeded, integerOverflow } from './errors.js';

const U64_MAX = (1n << 64n) - 1n;

export class GasCounter {
  private hostBurnt = 0n;
  private reserved = 0n;
  private chargedFuel = 0n;
  /** Burnt gas to report after GasExceeded (nearcore's `process_gas_limit`). */
  private exceededBurnt: bigint | null = null;

  constructor(
    private readonly meter: FuelMeter,
    readonly prepaid: bigint,
    readonly gasPerFuel: bigint,
  ) {}

  /** Fuel the guest's own instructions used (host charges excluded). */
  guestFuel(): bigint {
    const used = this.meter.used() - this.chargedFuel;
    return used > 0n ? used : 0n;
  }

  burnt(): bigint {
    if (this.exceededBurnt !== null) return this.exceededBurnt;
    return this.guestFuel() * this.gasPerFuel + this.hostBurnt;
  }

  /** Burnt plus gas reserved for promises and their execution. */
  used(): bigint {
    return this.burnt() + this.reserved;
  }

  /** Gas attached to promises and reserved for the execution of their actions. */
  reservedGas(): bigint {
    return this.reserved;
  }

  /** The meter stopped the guest: everything not reserved for promises is burnt. */
  exhaust(): void {
    if (this.exceededBurnt === null) this.exceededBurnt = this.prepaid - this.reserved;
  }

  /** nearcore's `pay_base`: burns `gas`. */
  pay(gas: bigint): void {
    this.accumulate(gas, gas);
  }

  /** nearcore's `pay_per`: burns `perUnit × units`, failing on u64 overflow as nearcore does. */
  payPer(perUnit: bigint, units: bigint): void {
    const gas = perUnit * units;
    if (gas > U64_MAX) throw integerOverflow();
    this.accumulate(gas, gas);
  }

  /** nearcore's `prepay_gas`: reserves gas attached to a function call. */
  prepay(gas: bigint): void {
    this.accumulate(0n, gas);
  }

  /** nearcore's `pay_action_accumulated`: burns `burn`, and counts `use` (≥ burn) as used. */
  accumulate(burn: bigint, use: bigint): void {
    const burnt = this.burnt() + burn;
    const used = this.used() + use;
    if (burnt > U64_MAX || used > U64_MAX) throw integerOverflow();
    if (used > this.prepaid) {
      this.exceededBurnt = burnt < this.prepaid ? burnt : this.prepaid;
      throw gasExceeded();
    }
    this.hostBurnt += burn;
    this.reserved += use - burn;
    // Keep the meter's budget in step: cannot trip here because `used <= prepaid` (see header).
    const fuel = (this.hostBurnt + this.reserved) / this.gasPerFuel;
    if (fuel > this.chargedFuel) {
      this.meter.charge(Number(fuel - this.chargedFuel));
      this.chargedFuel = fuel;
    }
  }

  /** Assigns gas to promises at the end of a successful call (gas weights); returns the new total. */
  reserveRemaining(): bigint {
    const left = this.prepaid - this.used();
    if (left > 0n) this.reserved += left;
    return left > 0n ? left : 0n;
  }
}
