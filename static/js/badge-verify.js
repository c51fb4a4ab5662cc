// Multaqa badge codes, checked on the device: a version 2 code (MQ2.<payload>.<Ed25519 signature>)
// is checked as the server's one reader checks it (forum/badges/services.py), in the same order: the
// forum, the signature (Web Crypto Ed25519, with the forum's public key from the roster), the
// registration (in the roster), its badge version. A version 1 code (HMAC) can only be checked by the
// server: the answer is "online_only". tests/badges/badge_vectors.json holds the vectors both sides
// are tested on.
"use strict";

(function (global) {
  const keys = new Map();

  function fromBase64url(text) {
    if (!/^[A-Za-z0-9_-]+$/.test(text) || text.length % 4 === 1) {
      return null;
    }
    const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  }

  // The longest text read as a code and the largest number in one, as the server's reader has them
  // (MAX_CODE_LENGTH, MAX_NUMBER).
  const MAX_CODE_LENGTH = 200;
  const MAX_NUMBER = 2147483647;

  // The parts of a code, or null when it is not a Multaqa badge code at all: the server first reads
  // the text as URL-safe ASCII of at most 200 characters (readable_code_text), and so does the device.
  function parse(code) {
    const text = typeof code === "string" ? code.trim() : "";
    if (text.length > MAX_CODE_LENGTH || !/^[A-Za-z0-9_.-]*$/.test(text)) {
      return null;
    }
    const parts = text.split(".");
    if (parts.length !== 3 || (parts[0] !== "MQ1" && parts[0] !== "MQ2")) {
      return null;
    }
    const numbers = parts[1].split("-");
    if (numbers.length !== 3 || !numbers.every((n) => /^[0-9A-Za-z]+$/.test(n))) {
      return null;
    }
    const [forumId, registrationId, version] = numbers.map((n) => parseInt(n, 36));
    if (Math.max(forumId, registrationId, version) > MAX_NUMBER) {
      return null;
    }
    return { prefix: parts[0], payload: parts[1], signature: parts[2], forumId, registrationId, version };
  }

  async function publicKey(text) {
    if (!keys.has(text)) {
      const raw = fromBase64url(text);
      keys.set(text, crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]));
    }
    return keys.get(text);
  }

  // {reason, forumId, registrationId, version}: reason is ok, unknown, tampered, wrong_forum, revoked
  // or online_only. `desk` is {forumId, publicKey, people}: people maps a registration id to its
  // roster entry ({v: badge version, ...}).
  async function verify(code, desk) {
    const parsed = parse(code);
    if (parsed === null) {
      return { reason: "unknown" };
    }
    const found = { forumId: parsed.forumId, registrationId: parsed.registrationId, version: parsed.version };
    if (parsed.prefix === "MQ1") {
      return Object.assign(found, { reason: "online_only" });
    }
    if (parsed.forumId !== desk.forumId) {
      return Object.assign(found, { reason: "wrong_forum" });
    }
    const signature = fromBase64url(parsed.signature);
    let valid = false;
    if (signature !== null) {
      try {
        const message = new TextEncoder().encode(parsed.prefix + "." + parsed.payload);
        valid = await crypto.subtle.verify({ name: "Ed25519" }, await publicKey(desk.publicKey), signature, message);
      } catch (error) {
        valid = false;
      }
    }
    if (!valid) {
      return Object.assign(found, { reason: "tampered" });
    }
    const person = desk.people[parsed.registrationId];
    if (!person) {
      return Object.assign(found, { reason: "unknown" });
    }
    if (person.v !== parsed.version) {
      return Object.assign(found, { reason: "revoked" });
    }
    return Object.assign(found, { reason: "ok", person });
  }

  global.MultaqaBadge = { verify, parse };
})(window);
