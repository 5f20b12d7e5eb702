/** true and false: exit 0 and 1, ignoring their arguments. */
import type { Program } from '../types.js';

export const trueProgram: Program = async () => 0;
export const falseProgram: Program = async () => 1;
