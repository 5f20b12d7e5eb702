/**
 * The checks both stores make before applying a block, so that they refuse the same misuse
 * with the same message (these are host bugs: the block producer is ours).
 */
import { OutlayerError } from '../../errors.js';
import type { BlockHeader, ChangeSource } from './types.js';

export function checkApply(store: object, overlay: ChangeSource, latest: BlockHeader | null, header: BlockHeader): void {
  if (overlay.parent !== store) throw new OutlayerError('internal', 'applyBlock needs an overlay whose parent is this store');
  if (latest && header.height <= latest.height) {
    throw new OutlayerError('internal', `block ${header.height} does not follow the latest block ${latest.height}`);
  }
  if (latest && header.prevHash !== latest.hash) {
    throw new OutlayerError('internal', `block ${header.height}'s prevHash ${header.prevHash} is not the latest block's hash ${latest.hash}`);
  }
  if (header.height < 0n) throw new OutlayerError('internal', `negative block height ${header.height}`);
}

export function freezeHeader(h: BlockHeader): BlockHeader {
  return Object.freeze({
    height: h.height,
    hash: h.hash,
    prevHash: h.prevHash,
    timestampNs: h.timestampNs,
    gasPrice: h.gasPrice,
    chunkHash: h.chunkHash,
    receiptIds: Object.freeze([...h.receiptIds]),
    txHashes: Object.freeze([...h.txHashes]),
  });
}
