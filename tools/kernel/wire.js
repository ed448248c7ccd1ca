'use strict';
// Jupyter's wire protocol (messaging spec 5.3): [identities..., "<IDS|MSG>", hmac, header, parent, metadata,
// content, buffers...], signed with HMAC-SHA256 over the four JSON frames.
const crypto = require('node:crypto');

const DELIM = Buffer.from('<IDS|MSG>');
const PROTOCOL_VERSION = '5.3';

function sign(key, frames) {
  if (!key) return '';
  const h = crypto.createHmac('sha256', key);
  for (const f of frames) h.update(f);
  return h.digest('hex');
}

class Message {
  /** Parses and verifies raw frames; throws on a missing delimiter or a bad signature. */
  static parse(key, frames) {
    const at = frames.findIndex((f) => Buffer.from(f).equals(DELIM));
    if (at < 0) throw new Error('message without the <IDS|MSG> delimiter');
    const [hmac, ...parts] = frames.slice(at + 1).map((f) => Buffer.from(f));
    const expected = sign(key, parts.slice(0, 4));
    const got = hmac.toString();
    if (expected.length !== got.length || !crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(got))) {
      throw new Error('message with a bad signature');
    }
    const m = new Message();
    m.identities = frames.slice(0, at);
    [m.header, m.parent, m.metadata, m.content] = parts.slice(0, 4).map((p) => JSON.parse(p.toString('utf8')));
    m.buffers = parts.slice(4);
    return m;
  }

  /** A message of `type` in reply to this one (same session, this one as its parent, to the same identities). */
  reply(type, content = {}, metadata = {}) {
    const r = new Message();
    r.identities = this.identities;
    r.header = {
      msg_id: crypto.randomUUID(),
      msg_type: type,
      session: this.header.session,
      username: this.header.username,
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    };
    r.parent = this.header;
    r.metadata = metadata;
    r.content = content;
    r.buffers = [];
    return r;
  }

  /** The frames to send on `socket` (IOPub messages carry no identities). */
  frames(key, withIdentities = true) {
    const parts = [this.header, this.parent, this.metadata, this.content].map((x) => JSON.stringify(x));
    return [...(withIdentities ? this.identities : []), DELIM, sign(key, parts), ...parts];
  }
}

module.exports = { Message, PROTOCOL_VERSION };
