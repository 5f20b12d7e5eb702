/**
 * The userland: every host-side program by the name it is run as (argv[0] looked up in PATH
 * resolves here).
 *
 * @example
 *   const status = await USERLAND['sort']!(proc); // proc.argv = ['sort', '-n', 'file']
 */
import type { Program } from '../types.js';
import { awk } from './awk/index.js';
import { cat } from './cat.js';
import { cp } from './cp.js';
import { cut } from './cut.js';
import { echo } from './echo.js';
import { env } from './env.js';
import { grep } from './grep.js';
import { head } from './head.js';
import { ls } from './ls.js';
import { mkdir } from './mkdir.js';
import { mv } from './mv.js';
import { printf } from './printf.js';
import { rm } from './rm.js';
import { sed } from './sed.js';
import { seq } from './seq.js';
import { sleep } from './sleep.js';
import { sort } from './sort.js';
import { tail } from './tail.js';
import { tee } from './tee.js';
import { bracket, test } from './test.js';
import { touch } from './touch.js';
import { tr } from './tr.js';
import { falseProgram, trueProgram } from './true.js';
import { uniq } from './uniq.js';
import { wc } from './wc.js';
import { yes } from './yes.js';

export const USERLAND: Record<string, Program> = {
  awk,
  '[': bracket,
  cat,
  cp,
  cut,
  echo,
  env,
  false: falseProgram,
  grep,
  head,
  ls,
  mkdir,
  mv,
  printf,
  rm,
  sed,
  seq,
  sleep,
  sort,
  tail,
  tee,
  test,
  touch,
  tr,
  true: trueProgram,
  uniq,
  wc,
  yes,
};
