import { ErrorCode, HandoffError } from '@handoff/protocol';

/** Redis is unreachable: a directory operation could not run (clients get `error Unavailable`). */
export class ClusterUnavailableError extends HandoffError {
  constructor(message: string) {
    super(ErrorCode.ConnectionClosed, message);
    this.name = 'ClusterUnavailableError';
  }
}
