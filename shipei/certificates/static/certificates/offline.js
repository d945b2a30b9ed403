// The offline verifier: checks a certificate's QR payload with Ed25519 (WebCrypto) against the
// public keys the page was saved with, or keys pasted into it. Nothing is sent anywhere.
(function () {
  "use strict";
  var STORE = "shipei-cert-keys";
  var $ = function (id) { return document.getElementById(id); };

  function bytes(text) {
    text = text.replace(/-/g, "+").replace(/_/g, "/");
    while (text.length % 4) text += "=";
    var bin = atob(text), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function keys() {
    var found = {};
    var add = function (set) {
      (set && set.keys || []).forEach(function (k) {
        if (k.kty === "OKP" && k.crv === "Ed25519" && k.kid && k.x) found[k.kid] = k;
      });
    };
    add(JSON.parse($("published-keys").textContent));
    try { add(JSON.parse(localStorage.getItem(STORE) || "null")); } catch (e) { /* none saved */ }
    return found;
  }

  function payloadOf(text) {
    text = text.trim();
    try {
      var c = new URL(text).searchParams.get("c");
      if (c) return c;
    } catch (e) { /* not a URL: the payload itself */ }
    return text;
  }

  function show(kind, title, rows) {
    var box = $("result");
    box.textContent = "";
    var alert = document.createElement("div");
    alert.className = "alert " + (kind === "ok" ? "alert-success" : kind === "bad" ? "alert-danger" : "alert-warning");
    alert.setAttribute("role", "status");
    var strong = document.createElement("strong");
    strong.textContent = title;
    alert.appendChild(strong);
    box.appendChild(alert);
    if (!rows) return;
    var dl = document.createElement("dl");
    dl.className = "row";
    rows.forEach(function (row) {
      var dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.className = "col-4 col-sm-3"; dd.className = "col-8 col-sm-9";
      dt.textContent = row[0]; dd.textContent = row[1];
      dl.appendChild(dt); dl.appendChild(dd);
    });
    box.appendChild(dl);
  }

  async function check() {
    var parts = payloadOf($("payload").value).split(".");
    var message, fields;
    try {
      if (parts.length !== 2) throw new Error("parts");
      message = bytes(parts[0]);
      fields = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(message));
      if (!Array.isArray(fields) || fields[0] !== 1 || fields.length < 7) throw new Error("shape");
    } catch (e) {
      show("bad", "无法识别：内容不是证书二维码。");
      return;
    }
    var jwk = keys()[fields[1]];
    if (!jwk) {
      show("warn", "无法核验：没有密钥“" + fields[1] + "”的公钥，请联网后更新公钥。");
      return;
    }
    var ok = false;
    try {
      var key = await crypto.subtle.importKey(
        "jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, false, ["verify"]);
      ok = await crypto.subtle.verify({ name: "Ed25519" }, key, bytes(parts[1]), message);
    } catch (e) {
      ok = false;
    }
    if (!ok) {
      show("bad", "签名无效：内容被改动或并非发证单位签发，请勿采信。");
      return;
    }
    show("ok", "签名有效：内容由发证单位签发，未被改动。是否已撤销请联网核验。", [
      ["证书编号", fields[2]], ["姓名", fields[3]], ["培训", fields[4]],
      ["学时", fields[5] || "—"], ["发证日期", fields[6]], ["密钥", fields[1]],
    ]);
  }

  $("check").addEventListener("click", check);
  $("save-keys").addEventListener("click", function () {
    try {
      var set = JSON.parse($("keys").value);
      if (!set || !Array.isArray(set.keys)) throw new Error("keys");
      localStorage.setItem(STORE, JSON.stringify(set));
      $("keys-note").textContent = "已保存 " + set.keys.length + " 个公钥。";
    } catch (e) {
      $("keys-note").textContent = "无法读取：请粘贴 keys.json 的全部内容。";
    }
  });
})();
