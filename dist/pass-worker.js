import { createRequire as __osdsCreateRequire } from 'node:module'; const require = __osdsCreateRequire(import.meta.url);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/picomatch/lib/constants.js
var require_constants = __commonJS({
  "node_modules/picomatch/lib/constants.js"(exports, module) {
    "use strict";
    var WIN_SLASH = "\\\\/";
    var WIN_NO_SLASH = `[^${WIN_SLASH}]`;
    var DEFAULT_MAX_EXTGLOB_RECURSION = 0;
    var DOT_LITERAL = "\\.";
    var PLUS_LITERAL = "\\+";
    var QMARK_LITERAL = "\\?";
    var SLASH_LITERAL = "\\/";
    var ONE_CHAR = "(?=.)";
    var QMARK = "[^/]";
    var END_ANCHOR = `(?:${SLASH_LITERAL}|$)`;
    var START_ANCHOR = `(?:^|${SLASH_LITERAL})`;
    var DOTS_SLASH = `${DOT_LITERAL}{1,2}${END_ANCHOR}`;
    var NO_DOT = `(?!${DOT_LITERAL})`;
    var NO_DOTS = `(?!${START_ANCHOR}${DOTS_SLASH})`;
    var NO_DOT_SLASH = `(?!${DOT_LITERAL}{0,1}${END_ANCHOR})`;
    var NO_DOTS_SLASH = `(?!${DOTS_SLASH})`;
    var QMARK_NO_DOT = `[^.${SLASH_LITERAL}]`;
    var STAR = `${QMARK}*?`;
    var SEP = "/";
    var POSIX_CHARS = {
      DOT_LITERAL,
      PLUS_LITERAL,
      QMARK_LITERAL,
      SLASH_LITERAL,
      ONE_CHAR,
      QMARK,
      END_ANCHOR,
      DOTS_SLASH,
      NO_DOT,
      NO_DOTS,
      NO_DOT_SLASH,
      NO_DOTS_SLASH,
      QMARK_NO_DOT,
      STAR,
      START_ANCHOR,
      SEP
    };
    var WINDOWS_CHARS = {
      ...POSIX_CHARS,
      SLASH_LITERAL: `[${WIN_SLASH}]`,
      QMARK: WIN_NO_SLASH,
      STAR: `${WIN_NO_SLASH}*?`,
      DOTS_SLASH: `${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$)`,
      NO_DOT: `(?!${DOT_LITERAL})`,
      NO_DOTS: `(?!(?:^|[${WIN_SLASH}])${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      NO_DOT_SLASH: `(?!${DOT_LITERAL}{0,1}(?:[${WIN_SLASH}]|$))`,
      NO_DOTS_SLASH: `(?!${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      QMARK_NO_DOT: `[^.${WIN_SLASH}]`,
      START_ANCHOR: `(?:^|[${WIN_SLASH}])`,
      END_ANCHOR: `(?:[${WIN_SLASH}]|$)`,
      SEP: "\\"
    };
    var POSIX_REGEX_SOURCE = {
      __proto__: null,
      alnum: "a-zA-Z0-9",
      alpha: "a-zA-Z",
      ascii: "\\x00-\\x7F",
      blank: " \\t",
      cntrl: "\\x00-\\x1F\\x7F",
      digit: "0-9",
      graph: "\\x21-\\x7E",
      lower: "a-z",
      print: "\\x20-\\x7E ",
      punct: "\\-!\"#$%&'()\\*+,./:;<=>?@[\\]^_`{|}~",
      space: " \\t\\r\\n\\v\\f",
      upper: "A-Z",
      word: "A-Za-z0-9_",
      xdigit: "A-Fa-f0-9"
    };
    module.exports = {
      DEFAULT_MAX_EXTGLOB_RECURSION,
      MAX_LENGTH: 1024 * 64,
      POSIX_REGEX_SOURCE,
      // regular expressions
      REGEX_BACKSLASH: /\\(?![*+?^${}(|)[\]])/g,
      REGEX_NON_SPECIAL_CHARS: /^[^@![\].,$*+?^{}()|\\/]+/,
      REGEX_SPECIAL_CHARS: /[-*+?.^${}(|)[\]]/,
      REGEX_SPECIAL_CHARS_BACKREF: /(\\?)((\W)(\3*))/g,
      REGEX_SPECIAL_CHARS_GLOBAL: /([-*+?.^${}(|)[\]])/g,
      REGEX_REMOVE_BACKSLASH: /(?:\[.*?[^\\]\]|\\(?=.))/g,
      // Replace globs with equivalent patterns to reduce parsing time.
      REPLACEMENTS: {
        __proto__: null,
        "***": "*",
        "**/**": "**",
        "**/**/**": "**"
      },
      // Digits
      CHAR_0: 48,
      /* 0 */
      CHAR_9: 57,
      /* 9 */
      // Alphabet chars.
      CHAR_UPPERCASE_A: 65,
      /* A */
      CHAR_LOWERCASE_A: 97,
      /* a */
      CHAR_UPPERCASE_Z: 90,
      /* Z */
      CHAR_LOWERCASE_Z: 122,
      /* z */
      CHAR_LEFT_PARENTHESES: 40,
      /* ( */
      CHAR_RIGHT_PARENTHESES: 41,
      /* ) */
      CHAR_ASTERISK: 42,
      /* * */
      // Non-alphabetic chars.
      CHAR_AMPERSAND: 38,
      /* & */
      CHAR_AT: 64,
      /* @ */
      CHAR_BACKWARD_SLASH: 92,
      /* \ */
      CHAR_CARRIAGE_RETURN: 13,
      /* \r */
      CHAR_CIRCUMFLEX_ACCENT: 94,
      /* ^ */
      CHAR_COLON: 58,
      /* : */
      CHAR_COMMA: 44,
      /* , */
      CHAR_DOT: 46,
      /* . */
      CHAR_DOUBLE_QUOTE: 34,
      /* " */
      CHAR_EQUAL: 61,
      /* = */
      CHAR_EXCLAMATION_MARK: 33,
      /* ! */
      CHAR_FORM_FEED: 12,
      /* \f */
      CHAR_FORWARD_SLASH: 47,
      /* / */
      CHAR_GRAVE_ACCENT: 96,
      /* ` */
      CHAR_HASH: 35,
      /* # */
      CHAR_HYPHEN_MINUS: 45,
      /* - */
      CHAR_LEFT_ANGLE_BRACKET: 60,
      /* < */
      CHAR_LEFT_CURLY_BRACE: 123,
      /* { */
      CHAR_LEFT_SQUARE_BRACKET: 91,
      /* [ */
      CHAR_LINE_FEED: 10,
      /* \n */
      CHAR_NO_BREAK_SPACE: 160,
      /* \u00A0 */
      CHAR_PERCENT: 37,
      /* % */
      CHAR_PLUS: 43,
      /* + */
      CHAR_QUESTION_MARK: 63,
      /* ? */
      CHAR_RIGHT_ANGLE_BRACKET: 62,
      /* > */
      CHAR_RIGHT_CURLY_BRACE: 125,
      /* } */
      CHAR_RIGHT_SQUARE_BRACKET: 93,
      /* ] */
      CHAR_SEMICOLON: 59,
      /* ; */
      CHAR_SINGLE_QUOTE: 39,
      /* ' */
      CHAR_SPACE: 32,
      /*   */
      CHAR_TAB: 9,
      /* \t */
      CHAR_UNDERSCORE: 95,
      /* _ */
      CHAR_VERTICAL_LINE: 124,
      /* | */
      CHAR_ZERO_WIDTH_NOBREAK_SPACE: 65279,
      /* \uFEFF */
      /**
       * Create EXTGLOB_CHARS
       */
      extglobChars(chars) {
        return {
          "!": { type: "negate", open: "(?:(?!(?:", close: `))${chars.STAR})` },
          "?": { type: "qmark", open: "(?:", close: ")?" },
          "+": { type: "plus", open: "(?:", close: ")+" },
          "*": { type: "star", open: "(?:", close: ")*" },
          "@": { type: "at", open: "(?:", close: ")" }
        };
      },
      /**
       * Create GLOB_CHARS
       */
      globChars(win32) {
        return win32 === true ? WINDOWS_CHARS : POSIX_CHARS;
      }
    };
  }
});

// node_modules/picomatch/lib/utils.js
var require_utils = __commonJS({
  "node_modules/picomatch/lib/utils.js"(exports) {
    "use strict";
    var {
      REGEX_BACKSLASH,
      REGEX_REMOVE_BACKSLASH,
      REGEX_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_GLOBAL
    } = require_constants();
    exports.isObject = (val) => val !== null && typeof val === "object" && !Array.isArray(val);
    exports.hasRegexChars = (str) => REGEX_SPECIAL_CHARS.test(str);
    exports.isRegexChar = (str) => str.length === 1 && exports.hasRegexChars(str);
    exports.escapeRegex = (str) => str.replace(REGEX_SPECIAL_CHARS_GLOBAL, "\\$1");
    exports.toPosixSlashes = (str) => str.replace(REGEX_BACKSLASH, "/");
    exports.isWindows = () => {
      if (typeof navigator !== "undefined" && navigator.platform) {
        const platform = navigator.platform.toLowerCase();
        return platform === "win32" || platform === "windows";
      }
      if (typeof process !== "undefined" && process.platform) {
        return process.platform === "win32";
      }
      return false;
    };
    exports.removeBackslashes = (str) => {
      return str.replace(REGEX_REMOVE_BACKSLASH, (match) => {
        return match === "\\" ? "" : match;
      });
    };
    exports.escapeLast = (input, char, lastIdx) => {
      const idx = input.lastIndexOf(char, lastIdx);
      if (idx === -1) return input;
      if (input[idx - 1] === "\\") return exports.escapeLast(input, char, idx - 1);
      return `${input.slice(0, idx)}\\${input.slice(idx)}`;
    };
    exports.removePrefix = (input, state = {}) => {
      let output = input;
      if (output.startsWith("./")) {
        output = output.slice(2);
        state.prefix = "./";
      }
      return output;
    };
    exports.wrapOutput = (input, state = {}, options = {}) => {
      const prepend = options.contains ? "" : "^";
      const append = options.contains ? "" : "$";
      let output = `${prepend}(?:${input})${append}`;
      if (state.negated === true) {
        output = `(?:^(?!${output}).*$)`;
      }
      return output;
    };
    exports.basename = (path, { windows } = {}) => {
      const segs = path.split(windows ? /[\\/]/ : "/");
      const last = segs[segs.length - 1];
      if (last === "") {
        return segs[segs.length - 2];
      }
      return last;
    };
  }
});

// node_modules/picomatch/lib/scan.js
var require_scan = __commonJS({
  "node_modules/picomatch/lib/scan.js"(exports, module) {
    "use strict";
    var utils = require_utils();
    var {
      CHAR_ASTERISK,
      /* * */
      CHAR_AT,
      /* @ */
      CHAR_BACKWARD_SLASH,
      /* \ */
      CHAR_COMMA,
      /* , */
      CHAR_DOT,
      /* . */
      CHAR_EXCLAMATION_MARK,
      /* ! */
      CHAR_FORWARD_SLASH,
      /* / */
      CHAR_LEFT_CURLY_BRACE,
      /* { */
      CHAR_LEFT_PARENTHESES,
      /* ( */
      CHAR_LEFT_SQUARE_BRACKET,
      /* [ */
      CHAR_PLUS,
      /* + */
      CHAR_QUESTION_MARK,
      /* ? */
      CHAR_RIGHT_CURLY_BRACE,
      /* } */
      CHAR_RIGHT_PARENTHESES,
      /* ) */
      CHAR_RIGHT_SQUARE_BRACKET
      /* ] */
    } = require_constants();
    var isPathSeparator = (code) => {
      return code === CHAR_FORWARD_SLASH || code === CHAR_BACKWARD_SLASH;
    };
    var depth = (token) => {
      if (token.isPrefix !== true) {
        token.depth = token.isGlobstar ? Infinity : 1;
      }
    };
    var scan = (input, options) => {
      const opts = options || {};
      const length = input.length - 1;
      const scanToEnd = opts.parts === true || opts.tokens === true || opts.scanToEnd === true;
      const slashes = [];
      const tokens = [];
      const parts = [];
      let str = input;
      let index = -1;
      let start = 0;
      let lastIndex = 0;
      let isBrace = false;
      let isBracket = false;
      let isGlob = false;
      let isExtglob = false;
      let isGlobstar = false;
      let braceEscaped = false;
      let backslashes = false;
      let negated = false;
      let negatedExtglob = false;
      let finished = false;
      let braces = 0;
      let prev;
      let code;
      let token = { value: "", depth: 0, isGlob: false };
      const eos = () => index >= length;
      const peek = () => str.charCodeAt(index + 1);
      const advance = () => {
        prev = code;
        return str.charCodeAt(++index);
      };
      while (index < length) {
        code = advance();
        let next;
        if (code === CHAR_BACKWARD_SLASH) {
          backslashes = token.backslashes = true;
          code = advance();
          if (code === CHAR_LEFT_CURLY_BRACE) {
            braceEscaped = true;
          }
          continue;
        }
        if (braceEscaped === true || code === CHAR_LEFT_CURLY_BRACE) {
          braces++;
          while (eos() !== true && (code = advance())) {
            if (code === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (code === CHAR_LEFT_CURLY_BRACE) {
              braces++;
              continue;
            }
            if (braceEscaped !== true && code === CHAR_DOT && (code = advance()) === CHAR_DOT) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (braceEscaped !== true && code === CHAR_COMMA) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (code === CHAR_RIGHT_CURLY_BRACE) {
              braces--;
              if (braces === 0) {
                braceEscaped = false;
                isBrace = token.isBrace = true;
                finished = true;
                break;
              }
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_FORWARD_SLASH) {
          slashes.push(index);
          tokens.push(token);
          token = { value: "", depth: 0, isGlob: false };
          if (finished === true) continue;
          if (prev === CHAR_DOT && index === start + 1) {
            start += 2;
            continue;
          }
          lastIndex = index + 1;
          continue;
        }
        if (opts.noext !== true) {
          const isExtglobChar = code === CHAR_PLUS || code === CHAR_AT || code === CHAR_ASTERISK || code === CHAR_QUESTION_MARK || code === CHAR_EXCLAMATION_MARK;
          if (isExtglobChar === true && peek() === CHAR_LEFT_PARENTHESES) {
            isGlob = token.isGlob = true;
            isExtglob = token.isExtglob = true;
            finished = true;
            if (code === CHAR_EXCLAMATION_MARK && index === start) {
              negatedExtglob = true;
            }
            if (scanToEnd === true) {
              let parens = 0;
              while (eos() !== true && (code = advance())) {
                if (code === CHAR_BACKWARD_SLASH) {
                  backslashes = token.backslashes = true;
                  advance();
                  continue;
                }
                if (code === CHAR_LEFT_PARENTHESES) {
                  parens++;
                  continue;
                }
                if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                  finished = true;
                  break;
                }
              }
              continue;
            }
            break;
          }
        }
        if (code === CHAR_ASTERISK) {
          if (prev === CHAR_ASTERISK) isGlobstar = token.isGlobstar = true;
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_QUESTION_MARK) {
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_LEFT_SQUARE_BRACKET) {
          while (eos() !== true && (next = advance())) {
            if (next === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (next === CHAR_RIGHT_SQUARE_BRACKET) {
              isBracket = token.isBracket = true;
              isGlob = token.isGlob = true;
              finished = true;
              break;
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (opts.nonegate !== true && code === CHAR_EXCLAMATION_MARK && index === start) {
          negated = token.negated = true;
          start++;
          continue;
        }
        if (opts.noparen !== true && code === CHAR_LEFT_PARENTHESES) {
          isGlob = token.isGlob = true;
          if (scanToEnd === true) {
            let parens = 1;
            while (eos() !== true && (code = advance())) {
              if (code === CHAR_BACKWARD_SLASH) {
                backslashes = token.backslashes = true;
                advance();
                continue;
              }
              if (code === CHAR_LEFT_PARENTHESES) {
                parens++;
                continue;
              }
              if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                finished = true;
                break;
              }
            }
            continue;
          }
          break;
        }
        if (isGlob === true) {
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
      }
      if (opts.noext === true) {
        isExtglob = false;
        isGlob = false;
      }
      let base = str;
      let prefix = "";
      let glob = "";
      if (start > 0) {
        prefix = str.slice(0, start);
        str = str.slice(start);
        lastIndex -= start;
      }
      if (base && isGlob === true && lastIndex > 0) {
        base = str.slice(0, lastIndex);
        glob = str.slice(lastIndex);
      } else if (isGlob === true) {
        base = "";
        glob = str;
      } else {
        base = str;
      }
      if (base && base !== "" && base !== "/" && base !== str) {
        if (isPathSeparator(base.charCodeAt(base.length - 1))) {
          base = base.slice(0, -1);
        }
      }
      if (opts.unescape === true) {
        if (glob) glob = utils.removeBackslashes(glob);
        if (base && backslashes === true) {
          base = utils.removeBackslashes(base);
        }
      }
      const state = {
        prefix,
        input,
        start,
        base,
        glob,
        isBrace,
        isBracket,
        isGlob,
        isExtglob,
        isGlobstar,
        negated,
        negatedExtglob
      };
      if (opts.tokens === true) {
        state.maxDepth = 0;
        if (!isPathSeparator(code)) {
          tokens.push(token);
        }
        state.tokens = tokens;
      }
      if (opts.parts === true || opts.tokens === true) {
        let prevIndex;
        for (let idx = 0; idx < slashes.length; idx++) {
          const n2 = prevIndex !== void 0 ? prevIndex + 1 : start;
          const i = slashes[idx];
          const value2 = input.slice(n2, i);
          if (opts.tokens) {
            if (idx === 0 && start !== 0) {
              tokens[idx].isPrefix = true;
              tokens[idx].value = prefix;
            } else {
              tokens[idx].value = value2;
            }
            depth(tokens[idx]);
            state.maxDepth += tokens[idx].depth;
          }
          if (i >= start) {
            parts.push(value2);
            prevIndex = i;
          }
        }
        const n = prevIndex !== void 0 ? prevIndex + 1 : start;
        const value = input.slice(n);
        parts.push(value);
        if (opts.tokens && prevIndex && prevIndex + 1 < input.length) {
          tokens[tokens.length - 1].value = value;
          depth(tokens[tokens.length - 1]);
          state.maxDepth += tokens[tokens.length - 1].depth;
        }
        state.slashes = slashes;
        state.parts = parts;
      }
      return state;
    };
    module.exports = scan;
  }
});

// node_modules/picomatch/lib/parse.js
var require_parse = __commonJS({
  "node_modules/picomatch/lib/parse.js"(exports, module) {
    "use strict";
    var constants = require_constants();
    var utils = require_utils();
    var {
      MAX_LENGTH,
      POSIX_REGEX_SOURCE,
      REGEX_NON_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_BACKREF,
      REPLACEMENTS
    } = constants;
    var expandRange = (args, options) => {
      if (typeof options.expandRange === "function") {
        return options.expandRange(...args, options);
      }
      args.sort();
      const value = `[${args.join("-")}]`;
      try {
        new RegExp(value);
      } catch (ex) {
        return args.map((v) => utils.escapeRegex(v)).join("..");
      }
      return value;
    };
    var syntaxError = (type, char) => {
      return `Missing ${type}: "${char}" - use "\\\\${char}" to match literal characters`;
    };
    var splitTopLevel = (input) => {
      const parts = [];
      let bracket = 0;
      let paren = 0;
      let quote2 = 0;
      let value = "";
      let escaped = false;
      for (const ch of input) {
        if (escaped === true) {
          value += ch;
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          value += ch;
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote2 = quote2 === 1 ? 0 : 1;
          value += ch;
          continue;
        }
        if (quote2 === 0) {
          if (ch === "[") {
            bracket++;
          } else if (ch === "]" && bracket > 0) {
            bracket--;
          } else if (bracket === 0) {
            if (ch === "(") {
              paren++;
            } else if (ch === ")" && paren > 0) {
              paren--;
            } else if (ch === "|" && paren === 0) {
              parts.push(value);
              value = "";
              continue;
            }
          }
        }
        value += ch;
      }
      parts.push(value);
      return parts;
    };
    var isPlainBranch = (branch) => {
      let escaped = false;
      for (const ch of branch) {
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (/[?*+@!()[\]{}]/.test(ch)) {
          return false;
        }
      }
      return true;
    };
    var normalizeSimpleBranch = (branch) => {
      let value = branch.trim();
      let changed = true;
      while (changed === true) {
        changed = false;
        if (/^@\([^\\()[\]{}|]+\)$/.test(value)) {
          value = value.slice(2, -1);
          changed = true;
        }
      }
      if (!isPlainBranch(value)) {
        return;
      }
      return value.replace(/\\(.)/g, "$1");
    };
    var hasRepeatedCharPrefixOverlap = (branches) => {
      const values = branches.map(normalizeSimpleBranch).filter(Boolean);
      for (let i = 0; i < values.length; i++) {
        for (let j = i + 1; j < values.length; j++) {
          const a = values[i];
          const b = values[j];
          const char = a[0];
          if (!char || a !== char.repeat(a.length) || b !== char.repeat(b.length)) {
            continue;
          }
          if (a === b || a.startsWith(b) || b.startsWith(a)) {
            return true;
          }
        }
      }
      return false;
    };
    var parseRepeatedExtglob = (pattern, requireEnd = true) => {
      if (pattern[0] !== "+" && pattern[0] !== "*" || pattern[1] !== "(") {
        return;
      }
      let bracket = 0;
      let paren = 0;
      let quote2 = 0;
      let escaped = false;
      for (let i = 1; i < pattern.length; i++) {
        const ch = pattern[i];
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote2 = quote2 === 1 ? 0 : 1;
          continue;
        }
        if (quote2 === 1) {
          continue;
        }
        if (ch === "[") {
          bracket++;
          continue;
        }
        if (ch === "]" && bracket > 0) {
          bracket--;
          continue;
        }
        if (bracket > 0) {
          continue;
        }
        if (ch === "(") {
          paren++;
          continue;
        }
        if (ch === ")") {
          paren--;
          if (paren === 0) {
            if (requireEnd === true && i !== pattern.length - 1) {
              return;
            }
            return {
              type: pattern[0],
              body: pattern.slice(2, i),
              end: i
            };
          }
        }
      }
    };
    var buildCharClassStar = (chars) => {
      const source = chars.length === 1 ? utils.escapeRegex(chars[0]) : `[${chars.map((ch) => utils.escapeRegex(ch)).join("")}]`;
      return `${source}*`;
    };
    var getStarExtglobSequenceChars = (pattern) => {
      let index = 0;
      const chars = [];
      while (index < pattern.length) {
        const match = parseRepeatedExtglob(pattern.slice(index), false);
        if (!match || match.type !== "*") {
          return;
        }
        const branches = splitTopLevel(match.body).map((branch2) => branch2.trim());
        if (branches.length !== 1) {
          return;
        }
        const branch = normalizeSimpleBranch(branches[0]);
        if (!branch || branch.length !== 1) {
          return;
        }
        chars.push(branch);
        index += match.end + 1;
      }
      if (chars.length < 1) {
        return;
      }
      return chars;
    };
    var repeatedExtglobRecursion = (pattern) => {
      let depth = 0;
      let value = pattern.trim();
      let match = parseRepeatedExtglob(value);
      while (match) {
        depth++;
        value = match.body.trim();
        match = parseRepeatedExtglob(value);
      }
      return depth;
    };
    var analyzeRepeatedExtglob = (body, options) => {
      if (options.maxExtglobRecursion === false) {
        return { risky: false };
      }
      const max = typeof options.maxExtglobRecursion === "number" ? options.maxExtglobRecursion : constants.DEFAULT_MAX_EXTGLOB_RECURSION;
      const branches = splitTopLevel(body).map((branch) => branch.trim());
      if (branches.length > 1) {
        if (branches.some((branch) => branch === "") || branches.some((branch) => /^[*?]+$/.test(branch)) || hasRepeatedCharPrefixOverlap(branches)) {
          return { risky: true };
        }
      }
      const safeChars = [];
      let sawStarSequence = false;
      let combinable = true;
      for (const branch of branches) {
        const chars = getStarExtglobSequenceChars(branch);
        if (chars) {
          sawStarSequence = true;
          safeChars.push(...chars);
          continue;
        }
        const literal = normalizeSimpleBranch(branch);
        if (literal && literal.length === 1) {
          safeChars.push(literal);
          continue;
        }
        combinable = false;
        if (repeatedExtglobRecursion(branch) > max) {
          return { risky: true };
        }
      }
      if (sawStarSequence) {
        return combinable ? { risky: true, safeOutput: buildCharClassStar([...new Set(safeChars)]) } : { risky: true };
      }
      return { risky: false };
    };
    var parse2 = (input, options) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected a string");
      }
      input = REPLACEMENTS[input] || input;
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      let len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      const bos = { type: "bos", value: "", output: opts.prepend || "" };
      const tokens = [bos];
      const capture = opts.capture ? "" : "?:";
      const PLATFORM_CHARS = constants.globChars(opts.windows);
      const EXTGLOB_CHARS = constants.extglobChars(PLATFORM_CHARS);
      const {
        DOT_LITERAL,
        PLUS_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOT_SLASH,
        NO_DOTS_SLASH,
        QMARK,
        QMARK_NO_DOT,
        STAR,
        START_ANCHOR
      } = PLATFORM_CHARS;
      const globstar = (opts2) => {
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      };
      const nodot = opts.dot ? "" : NO_DOT;
      const qmarkNoDot = opts.dot ? QMARK : QMARK_NO_DOT;
      let star = opts.bash === true ? globstar(opts) : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      if (typeof opts.noext === "boolean") {
        opts.noextglob = opts.noext;
      }
      const state = {
        input,
        index: -1,
        start: 0,
        dot: opts.dot === true,
        consumed: "",
        output: "",
        prefix: "",
        backtrack: false,
        negated: false,
        brackets: 0,
        braces: 0,
        parens: 0,
        quotes: 0,
        globstar: false,
        tokens
      };
      input = utils.removePrefix(input, state);
      len = input.length;
      const extglobs = [];
      const braces = [];
      const stack = [];
      let prev = bos;
      let value;
      const eos = () => state.index === len - 1;
      const peek = state.peek = (n = 1) => input[state.index + n];
      const advance = state.advance = () => input[++state.index] || "";
      const remaining = () => input.slice(state.index + 1);
      const consume = (value2 = "", num = 0) => {
        state.consumed += value2;
        state.index += num;
      };
      const append = (token) => {
        state.output += token.output != null ? token.output : token.value;
        consume(token.value);
      };
      const negate = () => {
        let count = 1;
        while (peek() === "!" && (peek(2) !== "(" || peek(3) === "?")) {
          advance();
          state.start++;
          count++;
        }
        if (count % 2 === 0) {
          return false;
        }
        state.negated = true;
        state.start++;
        return true;
      };
      const increment = (type) => {
        state[type]++;
        stack.push(type);
      };
      const decrement = (type) => {
        state[type]--;
        stack.pop();
      };
      const push = (tok) => {
        if (prev.type === "globstar") {
          const isBrace = state.braces > 0 && (tok.type === "comma" || tok.type === "brace");
          const isExtglob = tok.extglob === true || extglobs.length && (tok.type === "pipe" || tok.type === "paren");
          if (tok.type !== "slash" && tok.type !== "paren" && !isBrace && !isExtglob) {
            state.output = state.output.slice(0, -prev.output.length);
            prev.type = "star";
            prev.value = "*";
            prev.output = star;
            state.output += prev.output;
          }
        }
        if (extglobs.length && tok.type !== "paren") {
          extglobs[extglobs.length - 1].inner += tok.value;
        }
        if (tok.value || tok.output) append(tok);
        if (prev && prev.type === "text" && tok.type === "text") {
          prev.output = (prev.output || prev.value) + tok.value;
          prev.value += tok.value;
          return;
        }
        tok.prev = prev;
        tokens.push(tok);
        prev = tok;
      };
      const extglobOpen = (type, value2) => {
        const token = { ...EXTGLOB_CHARS[value2], conditions: 1, inner: "" };
        token.prev = prev;
        token.parens = state.parens;
        token.output = state.output;
        token.startIndex = state.index;
        token.tokensIndex = tokens.length;
        const output = (opts.capture ? "(" : "") + token.open;
        increment("parens");
        push({ type, value: value2, output: state.output ? "" : ONE_CHAR });
        push({ type: "paren", extglob: true, value: advance(), output });
        extglobs.push(token);
      };
      const extglobClose = (token) => {
        const literal = input.slice(token.startIndex, state.index + 1);
        const body = input.slice(token.startIndex + 2, state.index);
        const analysis = analyzeRepeatedExtglob(body, opts);
        if ((token.type === "plus" || token.type === "star") && analysis.risky) {
          const safeOutput = analysis.safeOutput ? (token.output ? "" : ONE_CHAR) + (opts.capture ? `(${analysis.safeOutput})` : analysis.safeOutput) : void 0;
          const open = tokens[token.tokensIndex];
          open.type = "text";
          open.value = literal;
          open.output = safeOutput || utils.escapeRegex(literal);
          for (let i = token.tokensIndex + 1; i < tokens.length; i++) {
            tokens[i].value = "";
            tokens[i].output = "";
            delete tokens[i].suffix;
          }
          state.output = token.output + open.output;
          state.backtrack = true;
          push({ type: "paren", extglob: true, value, output: "" });
          decrement("parens");
          return;
        }
        let output = token.close + (opts.capture ? ")" : "");
        let rest;
        if (token.type === "negate") {
          let extglobStar = star;
          if (token.inner && token.inner.length > 1 && token.inner.includes("/")) {
            extglobStar = globstar(opts);
          }
          if (extglobStar !== star || eos() || /^\)+$/.test(remaining())) {
            output = token.close = `)$))${extglobStar}`;
          }
          if (token.inner.includes("*") && (rest = remaining()) && /^\.[^\\/.]+$/.test(rest)) {
            const expression = parse2(rest, { ...options, fastpaths: false }).output;
            output = token.close = `)${expression})${extglobStar})`;
          }
          if (token.prev.type === "bos") {
            state.negatedExtglob = true;
          }
        }
        push({ type: "paren", extglob: true, value, output });
        decrement("parens");
      };
      if (opts.fastpaths !== false && !/(^[*!]|[/()[\]{}"])/.test(input)) {
        let backslashes = false;
        let output = input.replace(REGEX_SPECIAL_CHARS_BACKREF, (m, esc, chars, first, rest, index) => {
          if (first === "\\") {
            backslashes = true;
            return m;
          }
          if (first === "?") {
            if (esc) {
              return esc + first + (rest ? QMARK.repeat(rest.length) : "");
            }
            if (index === 0) {
              return qmarkNoDot + (rest ? QMARK.repeat(rest.length) : "");
            }
            return QMARK.repeat(chars.length);
          }
          if (first === ".") {
            return DOT_LITERAL.repeat(chars.length);
          }
          if (first === "*") {
            if (esc) {
              return esc + first + (rest ? star : "");
            }
            return star;
          }
          return esc ? m : `\\${m}`;
        });
        if (backslashes === true) {
          if (opts.unescape === true) {
            output = output.replace(/\\/g, "");
          } else {
            output = output.replace(/\\+/g, (m) => {
              return m.length % 2 === 0 ? "\\\\" : m ? "\\" : "";
            });
          }
        }
        if (output === input && opts.contains === true) {
          state.output = input;
          return state;
        }
        state.output = utils.wrapOutput(output, state, options);
        return state;
      }
      while (!eos()) {
        value = advance();
        if (value === "\0") {
          continue;
        }
        if (value === "\\") {
          const next = peek();
          if (next === "/" && opts.bash !== true) {
            continue;
          }
          if (next === "." || next === ";") {
            continue;
          }
          if (!next) {
            value += "\\";
            push({ type: "text", value });
            continue;
          }
          const match = /^\\+/.exec(remaining());
          let slashes = 0;
          if (match && match[0].length > 2) {
            slashes = match[0].length;
            state.index += slashes;
            if (slashes % 2 !== 0) {
              value += "\\";
            }
          }
          if (opts.unescape === true) {
            value = advance();
          } else {
            value += advance();
          }
          if (state.brackets === 0) {
            push({ type: "text", value });
            continue;
          }
        }
        if (state.brackets > 0 && (value !== "]" || prev.value === "[" || prev.value === "[^")) {
          if (opts.posix !== false && value === ":") {
            const inner = prev.value.slice(1);
            if (inner.includes("[")) {
              prev.posix = true;
              if (inner.includes(":")) {
                const idx = prev.value.lastIndexOf("[");
                const pre = prev.value.slice(0, idx);
                const rest2 = prev.value.slice(idx + 2);
                const posix = POSIX_REGEX_SOURCE[rest2];
                if (posix) {
                  prev.value = pre + posix;
                  state.backtrack = true;
                  advance();
                  if (!bos.output && tokens.indexOf(prev) === 1) {
                    bos.output = ONE_CHAR;
                  }
                  continue;
                }
              }
            }
          }
          if (value === "[" && peek() !== ":" || value === "-" && peek() === "]") {
            value = `\\${value}`;
          }
          if (value === "]" && (prev.value === "[" || prev.value === "[^")) {
            value = `\\${value}`;
          }
          if (opts.posix === true && value === "!" && prev.value === "[") {
            value = "^";
          }
          prev.value += value;
          append({ value });
          continue;
        }
        if (state.quotes === 1 && value !== '"') {
          value = utils.escapeRegex(value);
          prev.value += value;
          append({ value });
          continue;
        }
        if (value === '"') {
          state.quotes = state.quotes === 1 ? 0 : 1;
          if (opts.keepQuotes === true) {
            push({ type: "text", value });
          }
          continue;
        }
        if (value === "(") {
          increment("parens");
          push({ type: "paren", value });
          continue;
        }
        if (value === ")") {
          if (state.parens === 0 && opts.strictBrackets === true) {
            throw new SyntaxError(syntaxError("opening", "("));
          }
          const extglob = extglobs[extglobs.length - 1];
          if (extglob && state.parens === extglob.parens + 1) {
            extglobClose(extglobs.pop());
            continue;
          }
          push({ type: "paren", value, output: state.parens ? ")" : "\\)" });
          decrement("parens");
          continue;
        }
        if (value === "[") {
          if (opts.nobracket === true || !remaining().includes("]")) {
            if (opts.nobracket !== true && opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("closing", "]"));
            }
            value = `\\${value}`;
          } else {
            increment("brackets");
          }
          push({ type: "bracket", value });
          continue;
        }
        if (value === "]") {
          if (opts.nobracket === true || prev && prev.type === "bracket" && prev.value.length === 1) {
            push({ type: "text", value, output: `\\${value}` });
            continue;
          }
          if (state.brackets === 0) {
            if (opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("opening", "["));
            }
            push({ type: "text", value, output: `\\${value}` });
            continue;
          }
          decrement("brackets");
          const prevValue = prev.value.slice(1);
          if (prev.posix !== true && prevValue[0] === "^" && !prevValue.includes("/")) {
            value = `/${value}`;
          }
          prev.value += value;
          append({ value });
          if (opts.literalBrackets === false || utils.hasRegexChars(prevValue)) {
            continue;
          }
          const escaped = utils.escapeRegex(prev.value);
          state.output = state.output.slice(0, -prev.value.length);
          if (opts.literalBrackets === true) {
            state.output += escaped;
            prev.value = escaped;
            continue;
          }
          prev.value = `(${capture}${escaped}|${prev.value})`;
          state.output += prev.value;
          continue;
        }
        if (value === "{" && opts.nobrace !== true) {
          increment("braces");
          const open = {
            type: "brace",
            value,
            output: "(",
            outputIndex: state.output.length,
            tokensIndex: state.tokens.length
          };
          braces.push(open);
          push(open);
          continue;
        }
        if (value === "}") {
          const brace = braces[braces.length - 1];
          if (opts.nobrace === true || !brace) {
            push({ type: "text", value, output: value });
            continue;
          }
          let output = ")";
          if (brace.dots === true) {
            const arr = tokens.slice();
            const range = [];
            for (let i = arr.length - 1; i >= 0; i--) {
              tokens.pop();
              if (arr[i].type === "brace") {
                break;
              }
              if (arr[i].type !== "dots") {
                range.unshift(arr[i].value);
              }
            }
            output = expandRange(range, opts);
            state.backtrack = true;
          }
          if (brace.comma !== true && brace.dots !== true) {
            const out = state.output.slice(0, brace.outputIndex);
            const toks = state.tokens.slice(brace.tokensIndex);
            brace.value = brace.output = "\\{";
            value = output = "\\}";
            state.output = out;
            for (const t of toks) {
              state.output += t.output || t.value;
            }
          }
          push({ type: "brace", value, output });
          decrement("braces");
          braces.pop();
          continue;
        }
        if (value === "|") {
          if (extglobs.length > 0) {
            extglobs[extglobs.length - 1].conditions++;
          }
          push({ type: "text", value });
          continue;
        }
        if (value === ",") {
          let output = value;
          const brace = braces[braces.length - 1];
          if (brace && stack[stack.length - 1] === "braces") {
            brace.comma = true;
            output = "|";
          }
          push({ type: "comma", value, output });
          continue;
        }
        if (value === "/") {
          if (prev.type === "dot" && state.index === state.start + 1) {
            state.start = state.index + 1;
            state.consumed = "";
            state.output = "";
            tokens.pop();
            prev = bos;
            continue;
          }
          push({ type: "slash", value, output: SLASH_LITERAL });
          continue;
        }
        if (value === ".") {
          if (state.braces > 0 && prev.type === "dot") {
            if (prev.value === ".") prev.output = DOT_LITERAL;
            const brace = braces[braces.length - 1];
            prev.type = "dots";
            prev.output += value;
            prev.value += value;
            brace.dots = true;
            continue;
          }
          if (state.braces + state.parens === 0 && prev.type !== "bos" && prev.type !== "slash") {
            push({ type: "text", value, output: DOT_LITERAL });
            continue;
          }
          push({ type: "dot", value, output: DOT_LITERAL });
          continue;
        }
        if (value === "?") {
          const isGroup = prev && prev.value === "(";
          if (!isGroup && opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("qmark", value);
            continue;
          }
          if (prev && prev.type === "paren") {
            const next = peek();
            let output = value;
            if (prev.value === "(" && !/[!=<:]/.test(next) || next === "<" && !/<([!=]|\w+>)/.test(remaining())) {
              output = `\\${value}`;
            }
            push({ type: "text", value, output });
            continue;
          }
          if (opts.dot !== true && (prev.type === "slash" || prev.type === "bos")) {
            push({ type: "qmark", value, output: QMARK_NO_DOT });
            continue;
          }
          push({ type: "qmark", value, output: QMARK });
          continue;
        }
        if (value === "!") {
          if (opts.noextglob !== true && peek() === "(") {
            if (peek(2) !== "?" || !/[!=<:]/.test(peek(3))) {
              extglobOpen("negate", value);
              continue;
            }
          }
          if (opts.nonegate !== true && state.index === 0) {
            negate();
            continue;
          }
        }
        if (value === "+") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("plus", value);
            continue;
          }
          if (prev && prev.value === "(" || opts.regex === false) {
            push({ type: "plus", value, output: PLUS_LITERAL });
            continue;
          }
          if (prev && (prev.type === "bracket" || prev.type === "paren" || prev.type === "brace") || state.parens > 0) {
            push({ type: "plus", value });
            continue;
          }
          push({ type: "plus", value: PLUS_LITERAL });
          continue;
        }
        if (value === "@") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            push({ type: "at", extglob: true, value, output: "" });
            continue;
          }
          push({ type: "text", value });
          continue;
        }
        if (value !== "*") {
          if (value === "$" || value === "^") {
            value = `\\${value}`;
          }
          const match = REGEX_NON_SPECIAL_CHARS.exec(remaining());
          if (match) {
            value += match[0];
            state.index += match[0].length;
          }
          push({ type: "text", value });
          continue;
        }
        if (prev && (prev.type === "globstar" || prev.star === true)) {
          prev.type = "star";
          prev.star = true;
          prev.value += value;
          prev.output = star;
          state.backtrack = true;
          state.globstar = true;
          consume(value);
          continue;
        }
        let rest = remaining();
        if (opts.noextglob !== true && /^\([^?]/.test(rest)) {
          extglobOpen("star", value);
          continue;
        }
        if (prev.type === "star") {
          if (opts.noglobstar === true) {
            consume(value);
            continue;
          }
          const prior = prev.prev;
          const before = prior.prev;
          const isStart = prior.type === "slash" || prior.type === "bos";
          const afterStar = before && (before.type === "star" || before.type === "globstar");
          if (opts.bash === true && (!isStart || rest[0] && rest[0] !== "/")) {
            push({ type: "star", value, output: "" });
            continue;
          }
          const isBrace = state.braces > 0 && (prior.type === "comma" || prior.type === "brace");
          const isExtglob = extglobs.length && (prior.type === "pipe" || prior.type === "paren");
          if (!isStart && prior.type !== "paren" && !isBrace && !isExtglob) {
            push({ type: "star", value, output: "" });
            continue;
          }
          while (rest.slice(0, 3) === "/**") {
            const after = input[state.index + 4];
            if (after && after !== "/") {
              break;
            }
            rest = rest.slice(3);
            consume("/**", 3);
          }
          const isEnd = eos() || state.parens > 0 && rest === ")".repeat(state.parens) && !extglobs.some((extglob) => extglob.type === "negate");
          if (prior.type === "bos" && eos()) {
            prev.type = "globstar";
            prev.value += value;
            prev.output = globstar(opts);
            state.output = prev.output;
            state.globstar = true;
            consume(value);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && !afterStar && isEnd) {
            state.output = state.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = globstar(opts) + (opts.strictSlashes ? ")" : "|$)");
            prev.value += value;
            state.globstar = true;
            state.output += prior.output + prev.output;
            consume(value);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && rest[0] === "/") {
            const end = rest[1] !== void 0 ? "|$" : "";
            state.output = state.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = `${globstar(opts)}${SLASH_LITERAL}|${SLASH_LITERAL}${end})`;
            prev.value += value;
            state.output += prior.output + prev.output;
            state.globstar = true;
            consume(value + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          if (prior.type === "bos" && rest[0] === "/") {
            prev.type = "globstar";
            prev.value += value;
            prev.output = `(?:^|${SLASH_LITERAL}|${globstar(opts)}${SLASH_LITERAL})`;
            state.output = prev.output;
            state.globstar = true;
            consume(value + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          state.output = state.output.slice(0, -prev.output.length);
          prev.type = "globstar";
          prev.output = globstar(opts);
          prev.value += value;
          state.output += prev.output;
          state.globstar = true;
          consume(value);
          continue;
        }
        const token = { type: "star", value, output: star };
        if (opts.bash === true) {
          token.output = ".*?";
          if (prev.type === "bos" || prev.type === "slash") {
            token.output = nodot + token.output;
          }
          push(token);
          continue;
        }
        if (prev && (prev.type === "bracket" || prev.type === "paren") && opts.regex === true) {
          token.output = value;
          push(token);
          continue;
        }
        if (state.index === state.start || prev.type === "slash" || prev.type === "dot") {
          if (prev.type === "dot") {
            state.output += NO_DOT_SLASH;
            prev.output += NO_DOT_SLASH;
          } else if (opts.dot === true) {
            state.output += NO_DOTS_SLASH;
            prev.output += NO_DOTS_SLASH;
          } else {
            state.output += nodot;
            prev.output += nodot;
          }
          if (peek() !== "*") {
            state.output += ONE_CHAR;
            prev.output += ONE_CHAR;
          }
        }
        push(token);
      }
      while (state.brackets > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "]"));
        state.output = utils.escapeLast(state.output, "[");
        decrement("brackets");
      }
      while (state.parens > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", ")"));
        state.output = utils.escapeLast(state.output, "(");
        decrement("parens");
      }
      while (state.braces > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "}"));
        state.output = utils.escapeLast(state.output, "{");
        decrement("braces");
      }
      if (opts.strictSlashes !== true && (prev.type === "star" || prev.type === "bracket")) {
        push({ type: "maybe_slash", value: "", output: `${SLASH_LITERAL}?` });
      }
      if (state.backtrack === true) {
        state.output = "";
        for (const token of state.tokens) {
          state.output += token.output != null ? token.output : token.value;
          if (token.suffix) {
            state.output += token.suffix;
          }
        }
      }
      return state;
    };
    parse2.fastpaths = (input, options) => {
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      const len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      input = REPLACEMENTS[input] || input;
      const {
        DOT_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOTS,
        NO_DOTS_SLASH,
        STAR,
        START_ANCHOR
      } = constants.globChars(opts.windows);
      const nodot = opts.dot ? NO_DOTS : NO_DOT;
      const slashDot = opts.dot ? NO_DOTS_SLASH : NO_DOT;
      const capture = opts.capture ? "" : "?:";
      const state = { negated: false, prefix: "" };
      let star = opts.bash === true ? ".*?" : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      const globstar = (opts2) => {
        if (opts2.noglobstar === true) return star;
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      };
      const create = (str) => {
        switch (str) {
          case "*":
            return `${nodot}${ONE_CHAR}${star}`;
          case ".*":
            return `${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*.*":
            return `${nodot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*/*":
            return `${nodot}${star}${SLASH_LITERAL}${ONE_CHAR}${slashDot}${star}`;
          case "**":
            return nodot + globstar(opts);
          case "**/*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${ONE_CHAR}${star}`;
          case "**/*.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "**/.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${DOT_LITERAL}${ONE_CHAR}${star}`;
          default: {
            const match = /^(.*?)\.(\w+)$/.exec(str);
            if (!match) return;
            const source2 = create(match[1]);
            if (!source2) return;
            return source2 + DOT_LITERAL + match[2];
          }
        }
      };
      const output = utils.removePrefix(input, state);
      let source = create(output);
      if (source && opts.strictSlashes !== true) {
        source += `${SLASH_LITERAL}?`;
      }
      return source;
    };
    module.exports = parse2;
  }
});

// node_modules/picomatch/lib/picomatch.js
var require_picomatch = __commonJS({
  "node_modules/picomatch/lib/picomatch.js"(exports, module) {
    "use strict";
    var scan = require_scan();
    var parse2 = require_parse();
    var utils = require_utils();
    var constants = require_constants();
    var isObject4 = (val) => val && typeof val === "object" && !Array.isArray(val);
    var picomatch2 = (glob, options, returnState = false) => {
      if (Array.isArray(glob)) {
        const fns = glob.map((input) => picomatch2(input, options, returnState));
        const arrayMatcher = (str) => {
          for (const isMatch of fns) {
            const state2 = isMatch(str);
            if (state2) return state2;
          }
          return false;
        };
        return arrayMatcher;
      }
      const isState = isObject4(glob) && glob.tokens && glob.input;
      if (glob === "" || typeof glob !== "string" && !isState) {
        throw new TypeError("Expected pattern to be a non-empty string");
      }
      const opts = options || {};
      const posix = opts.windows;
      const regex = isState ? picomatch2.compileRe(glob, options) : picomatch2.makeRe(glob, options, false, true);
      const state = regex.state;
      delete regex.state;
      let isIgnored = () => false;
      if (opts.ignore) {
        const ignoreOpts = { ...options, ignore: null, onMatch: null, onResult: null };
        isIgnored = picomatch2(opts.ignore, ignoreOpts, returnState);
      }
      const matcher = (input, returnObject = false) => {
        const { isMatch, match, output } = picomatch2.test(input, regex, options, { glob, posix });
        const result = { glob, state, regex, posix, input, output, match, isMatch };
        if (typeof opts.onResult === "function") {
          opts.onResult(result);
        }
        if (isMatch === false) {
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (isIgnored(input)) {
          if (typeof opts.onIgnore === "function") {
            opts.onIgnore(result);
          }
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (typeof opts.onMatch === "function") {
          opts.onMatch(result);
        }
        return returnObject ? result : true;
      };
      if (returnState) {
        matcher.state = state;
      }
      return matcher;
    };
    picomatch2.test = (input, regex, options, { glob, posix } = {}) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected input to be a string");
      }
      if (input === "") {
        return { isMatch: false, output: "" };
      }
      const opts = options || {};
      const format = opts.format || (posix ? utils.toPosixSlashes : null);
      let match = input === glob;
      let output = match && format ? format(input) : input;
      if (match === false) {
        output = format ? format(input) : input;
        match = output === glob;
      }
      if (match === false || opts.capture === true) {
        if (opts.matchBase === true || opts.basename === true) {
          match = picomatch2.matchBase(input, regex, options, posix);
        } else {
          match = regex.exec(output);
        }
      }
      return { isMatch: Boolean(match), match, output };
    };
    picomatch2.matchBase = (input, glob, options, posix = options && options.windows) => {
      const regex = glob instanceof RegExp ? glob : picomatch2.makeRe(glob, options);
      return regex.test(utils.basename(input, { windows: posix }));
    };
    picomatch2.isMatch = (str, patterns, options) => picomatch2(patterns, options)(str);
    picomatch2.parse = (pattern, options) => {
      if (Array.isArray(pattern)) return pattern.map((p) => picomatch2.parse(p, options));
      return parse2(pattern, { ...options, fastpaths: false });
    };
    picomatch2.scan = (input, options) => scan(input, options);
    picomatch2.compileRe = (state, options, returnOutput = false, returnState = false) => {
      if (returnOutput === true) {
        return state.output;
      }
      const opts = options || {};
      const prepend = opts.contains ? "" : "^";
      const append = opts.contains ? "" : "$";
      let source = `${prepend}(?:${state.output})${append}`;
      if (state && state.negated === true) {
        source = `^(?!${source}).*$`;
      }
      const regex = picomatch2.toRegex(source, options);
      if (returnState === true) {
        regex.state = state;
      }
      return regex;
    };
    picomatch2.makeRe = (input, options = {}, returnOutput = false, returnState = false) => {
      if (!input || typeof input !== "string") {
        throw new TypeError("Expected a non-empty string");
      }
      let parsed = { negated: false, fastpaths: true };
      if (options.fastpaths !== false && (input[0] === "." || input[0] === "*")) {
        parsed.output = parse2.fastpaths(input, options);
      }
      if (!parsed.output) {
        parsed = parse2(input, options);
      }
      return picomatch2.compileRe(parsed, options, returnOutput, returnState);
    };
    picomatch2.toRegex = (source, options) => {
      try {
        const opts = options || {};
        return new RegExp(source, opts.flags || (opts.nocase ? "i" : ""));
      } catch (err) {
        if (options && options.debug === true) throw err;
        return /$^/;
      }
    };
    picomatch2.constants = constants;
    module.exports = picomatch2;
  }
});

// node_modules/picomatch/index.js
var require_picomatch2 = __commonJS({
  "node_modules/picomatch/index.js"(exports, module) {
    "use strict";
    var pico = require_picomatch();
    var utils = require_utils();
    function picomatch2(glob, options, returnState = false) {
      if (options && (options.windows === null || options.windows === void 0)) {
        options = { ...options, windows: utils.isWindows() };
      }
      return pico(glob, options, returnState);
    }
    Object.assign(picomatch2, pico);
    module.exports = picomatch2;
  }
});

// src/pass/worker.ts
import { parentPort, workerData } from "node:worker_threads";

// src/package/source.ts
var SourceError = class extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
    this.name = "SourceError";
  }
  code;
};

// src/package/descriptor.ts
var FIELD_TYPES = [
  "string",
  "number",
  "integer",
  "boolean",
  "object",
  "array",
  "date",
  "time",
  "datetime",
  "year",
  "yearmonth",
  "duration",
  "geopoint",
  "geojson",
  "any"
];

// src/validate/table/cast.ts
var INVALID = /* @__PURE__ */ Symbol("INVALID");
var SchemaCompileError = class extends Error {
  constructor(message, property) {
    super(message);
    this.property = property;
    this.name = "SchemaCompileError";
  }
  property;
};
var DEFAULT_TRUE_VALUES = ["true", "True", "TRUE", "1"];
var DEFAULT_FALSE_VALUES = ["false", "False", "FALSE", "0"];
function fail(property, message) {
  throw new SchemaCompileError(message, property);
}
function isSpace(c) {
  if (c <= 32) return c === 32 || c >= 9 && c <= 13 || c >= 28 && c <= 31;
  return c === 133 || c === 160 || c === 5760 || c >= 8192 && c <= 8202 || c === 8232 || c === 8233 || c === 8239 || c === 8287 || c === 12288;
}
function lowerCode(c) {
  if (c >= 65 && c <= 90) return c + 32;
  if (c < 128) return c;
  return String.fromCharCode(c).toLowerCase().charCodeAt(0);
}
var quote = (v) => JSON.stringify(v) ?? String(v);
var PAD2 = Array.from({ length: 100 }, (_, i) => i < 10 ? `0${i}` : String(i));
var POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6];
function pad2(n) {
  return PAD2[n] ?? String(n);
}
function pad4(n) {
  return n >= 1e3 ? String(n) : n >= 100 ? `0${n}` : n >= 10 ? `00${n}` : `000${n}`;
}
function pad6(n) {
  const s = String(n);
  return "000000".slice(s.length) + s;
}
function numberKey(v) {
  if (Number.isInteger(v) && Math.abs(v) >= 1e21) return BigInt(v).toString();
  return String(v);
}
function stableJson(v) {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  const o = v;
  const keys = Object.keys(o).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(",")}}`;
}
function isPlainObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function parseJson(s, open) {
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    i++;
  }
  if (i >= n || open >= 0 && s.charCodeAt(i) !== open) return INVALID;
  try {
    return JSON.parse(s);
  } catch {
    return INVALID;
  }
}
var NUM_INVALID = 0;
var NUM_FINITE = 1;
var NUM_INF = 2;
var NUM_NAN = 3;
var scanNeg = false;
var scanNormalize = false;
var bareStart = 0;
var bareEnd = 0;
function stripNonNumeric(s) {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 45 || c >= 48 && c <= 57) break;
    i++;
  }
  let j = n;
  while (j > i) {
    const c = s.charCodeAt(j - 1);
    if (c >= 48 && c <= 57) break;
    j--;
  }
  bareStart = i;
  bareEnd = j;
}
function scanWord(s, i, end) {
  const c = s.charCodeAt(i) | 32;
  if (c !== 105 && c !== 110 && c !== 115) return NUM_INVALID;
  const w = s.slice(i, end).toLowerCase();
  if (w === "inf" || w === "infinity") return NUM_INF;
  if (/^s?nan\d*$/.test(w)) return NUM_NAN;
  return NUM_INVALID;
}
function scanNumber(s, start, end, dec, grp) {
  scanNeg = false;
  scanNormalize = false;
  let state = 0;
  for (let i = start; i < end; i++) {
    let c = s.charCodeAt(i);
    if (c === grp) {
      scanNormalize = true;
      continue;
    }
    if (c === 46) {
      if (dec !== 46) return NUM_INVALID;
    } else if (c === dec) {
      c = 46;
      scanNormalize = true;
    }
    if (c >= 48 && c <= 57) {
      state = state <= 2 ? 2 : state <= 4 ? 4 : 7;
      continue;
    }
    if (c === 46) {
      if (state <= 1) state = 3;
      else if (state === 2) state = 4;
      else return NUM_INVALID;
    } else if (c === 43 || c === 45) {
      if (state === 0) {
        state = 1;
        scanNeg = c === 45;
      } else if (state === 5) state = 6;
      else return NUM_INVALID;
    } else if (c === 101 || c === 69) {
      if (state === 2 || state === 4) state = 5;
      else return NUM_INVALID;
    } else if (state <= 1 && !scanNormalize) {
      return scanWord(s, i, end);
    } else {
      return NUM_INVALID;
    }
  }
  return state === 2 || state === 4 || state === 7 ? NUM_FINITE : NUM_INVALID;
}
function normalizedNumber(s, start, end, dec, grp) {
  let out = "";
  let seg = start;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === grp) {
      out += s.slice(seg, i);
      seg = i + 1;
    } else if (c === dec && dec !== 46) {
      out += `${s.slice(seg, i)}.`;
      seg = i + 1;
    }
  }
  return out + s.slice(seg, end);
}
var MAX_PLAIN_EXPONENT = 1e3;
function toPlainDecimal(t) {
  let i = 0;
  let neg = false;
  const c0 = t.charCodeAt(0);
  if (c0 === 45) {
    neg = true;
    i = 1;
  } else if (c0 === 43) i = 1;
  let ePos = t.length;
  for (let k = i; k < t.length; k++) {
    const c = t.charCodeAt(k);
    if (c === 101 || c === 69) {
      ePos = k;
      break;
    }
  }
  const mantissa = t.slice(i, ePos);
  let exp = 0;
  if (ePos < t.length) {
    exp = Number(t.slice(ePos + 1));
    if (!(Math.abs(exp) <= MAX_PLAIN_EXPONENT)) return null;
  }
  const dot = mantissa.indexOf(".");
  let intPart = dot < 0 ? mantissa : mantissa.slice(0, dot);
  let frac = dot < 0 ? "" : mantissa.slice(dot + 1);
  if (exp > 0) {
    if (frac.length >= exp) {
      intPart += frac.slice(0, exp);
      frac = frac.slice(exp);
    } else {
      intPart += frac + "0".repeat(exp - frac.length);
      frac = "";
    }
  } else if (exp < 0) {
    const n = -exp;
    if (intPart.length > n) {
      frac = intPart.slice(intPart.length - n) + frac;
      intPart = intPart.slice(0, intPart.length - n);
    } else {
      frac = "0".repeat(n - intPart.length) + intPart + frac;
      intPart = "";
    }
  }
  let z = 0;
  while (z < intPart.length && intPart.charCodeAt(z) === 48) z++;
  intPart = z === intPart.length ? "0" : intPart.slice(z);
  const out = frac.length > 0 ? `${intPart}.${frac}` : intPart;
  if (neg) {
    for (let k = 0; k < out.length; k++) {
      const c = out.charCodeAt(k);
      if (c >= 49 && c <= 57) return `-${out}`;
    }
  }
  return out;
}
function numberCodec(o) {
  const { bare } = o;
  if (o.dec.length === 1 && o.grp.length <= 1) {
    const dec = o.dec.charCodeAt(0);
    const grp = o.grp.length === 1 ? o.grp.charCodeAt(0) : -1;
    return {
      read(cell) {
        let start = 0;
        let end = cell.length;
        if (!bare) {
          stripNonNumeric(cell);
          start = bareStart;
          end = bareEnd;
        }
        const kind = scanNumber(cell, start, end, dec, grp);
        if (kind === NUM_FINITE) {
          if (scanNormalize) return Number(normalizedNumber(cell, start, end, dec, grp));
          return Number(start === 0 && end === cell.length ? cell : cell.slice(start, end));
        }
        if (kind === NUM_INF) return scanNeg ? -Infinity : Infinity;
        if (kind === NUM_NAN) return NaN;
        return INVALID;
      },
      decimal(cell) {
        let start = 0;
        let end = cell.length;
        if (!bare) {
          stripNonNumeric(cell);
          start = bareStart;
          end = bareEnd;
        }
        if (scanNumber(cell, start, end, dec, grp) !== NUM_FINITE) return null;
        return toPlainDecimal(scanNormalize ? normalizedNumber(cell, start, end, dec, grp) : cell.slice(start, end));
      }
    };
  }
  const prepare = (cell) => {
    let t = cell;
    if (!bare) {
      stripNonNumeric(cell);
      t = cell.slice(bareStart, bareEnd);
    }
    if (o.grp !== "") t = t.split(o.grp).join("");
    if (o.dec !== ".") {
      if (t.includes(".")) return null;
      t = t.split(o.dec).join(".");
    }
    return t;
  };
  return {
    read(cell) {
      const t = prepare(cell);
      if (t === null) return INVALID;
      const kind = scanNumber(t, 0, t.length, 46, -1);
      if (kind === NUM_FINITE) return Number(t);
      if (kind === NUM_INF) return scanNeg ? -Infinity : Infinity;
      if (kind === NUM_NAN) return NaN;
      return INVALID;
    },
    decimal(cell) {
      const t = prepare(cell);
      if (t === null || scanNumber(t, 0, t.length, 46, -1) !== NUM_FINITE) return null;
      return toPlainDecimal(t);
    }
  };
}
function parseInteger(s, start, end) {
  if (start >= end) return INVALID;
  let i = start;
  let neg = false;
  const c0 = s.charCodeAt(i);
  if (c0 === 45) {
    neg = true;
    i++;
  } else if (c0 === 43) i++;
  if (i >= end) return INVALID;
  const digitsStart = i;
  let v = 0;
  for (; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return INVALID;
    v = v * 10 + d;
  }
  if (v > Number.MAX_SAFE_INTEGER) {
    const big = BigInt(s.slice(digitsStart, end));
    return neg ? -big : big;
  }
  return neg && v !== 0 ? -v : v;
}
function integerCodec(bare) {
  return {
    read(cell) {
      if (bare) return parseInteger(cell, 0, cell.length);
      stripNonNumeric(cell);
      return parseInteger(cell, bareStart, bareEnd);
    },
    decimal(cell) {
      let start = 0;
      let end = cell.length;
      if (!bare) {
        stripNonNumeric(cell);
        start = bareStart;
        end = bareEnd;
      }
      if (parseInteger(cell, start, end) === INVALID) return null;
      let i = start;
      const c0 = cell.charCodeAt(i);
      const neg = c0 === 45;
      if (neg || c0 === 43) i++;
      while (i < end - 1 && cell.charCodeAt(i) === 48) i++;
      const digits = cell.slice(i, end);
      return neg && digits !== "0" ? `-${digits}` : digits;
    }
  };
}
function integerKey(v) {
  return typeof v === "bigint" ? `n:${v.toString()}` : `n:${numberKey(v)}`;
}
var dY = 1900;
var dM = 1;
var dD = 1;
var tH = 0;
var tMin = 0;
var tS = 0;
var tUs = 0;
var tzOn = false;
var tzMin = 0;
var h24 = false;
function isLeap(y) {
  return y % 4 === 0 && y % 100 !== 0 || y % 400 === 0;
}
var MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysInMonth(y, m) {
  return m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m] ?? 0;
}
function validDate(y, m, d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}
function daysFromCivil(y, m, d) {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
function civilFromDays(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  dD = doy - Math.floor((153 * mp + 2) / 5) + 1;
  dM = mp < 10 ? mp + 3 : mp - 9;
  dY = yoe + era * 400 + (dM <= 2 ? 1 : 0);
}
function fmtDate() {
  return `${pad4(dY)}-${pad2(dM)}-${pad2(dD)}`;
}
function fmtTime() {
  if (!tzOn) return `${pad2(tH)}:${pad2(tMin)}:${pad2(tS)}${tUs !== 0 ? `.${pad6(tUs)}` : ""}`;
  let mins = (tH * 60 + tMin - tzMin) % 1440;
  if (mins < 0) mins += 1440;
  return `${pad2(Math.floor(mins / 60))}:${pad2(mins % 60)}:${pad2(tS)}.${pad6(tUs)}Z`;
}
function fmtDateTime() {
  if (h24) {
    civilFromDays(daysFromCivil(dY, dM, dD) + 1);
    h24 = false;
  }
  if (!tzOn) {
    return `${pad4(dY)}-${pad2(dM)}-${pad2(dD)}T${pad2(tH)}:${pad2(tMin)}:${pad2(tS)}${tUs !== 0 ? `.${pad6(tUs)}` : ""}`;
  }
  let mins = tH * 60 + tMin - tzMin;
  if (mins < 0 || mins >= 1440) {
    const shift = Math.floor(mins / 1440);
    mins -= shift * 1440;
    civilFromDays(daysFromCivil(dY, dM, dD) + shift);
  }
  return `${pad4(dY)}-${pad2(dM)}-${pad2(dD)}T${pad2(Math.floor(mins / 60))}:${pad2(mins % 60)}:${pad2(tS)}.${pad6(tUs)}Z`;
}
function d2(s, p) {
  const a = s.charCodeAt(p) - 48;
  const b = s.charCodeAt(p + 1) - 48;
  if (!(a >= 0 && a <= 9 && b >= 0 && b <= 9)) return -1;
  return a * 10 + b;
}
function parseIsoDate10(s) {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y1 = d2(s, 0);
  const y2 = d2(s, 2);
  const m = d2(s, 5);
  const d = d2(s, 8);
  if (y1 < 0 || y2 < 0 || m < 0 || d < 0) return false;
  const y = y1 * 100 + y2;
  if (!validDate(y, m, d)) return false;
  dY = y;
  dM = m;
  dD = d;
  return true;
}
function parseIsoTime(s, p) {
  const n = s.length;
  if (p + 8 > n || s.charCodeAt(p + 2) !== 58 || s.charCodeAt(p + 5) !== 58) return false;
  const h = d2(s, p);
  const mi = d2(s, p + 3);
  const se = d2(s, p + 6);
  if (h < 0 || mi < 0 || se < 0) return false;
  p += 8;
  let us = 0;
  let c = p < n ? s.charCodeAt(p) : -1;
  if (c === 46 || c === 44) {
    let k = p + 1;
    let digits = 0;
    while (k < n) {
      const d = s.charCodeAt(k) - 48;
      if (d < 0 || d > 9) break;
      if (digits < 6) us = us * 10 + d;
      digits++;
      k++;
    }
    if (digits === 0) return false;
    if (digits < 6) us *= POW10[6 - digits] ?? 1;
    p = k;
    c = p < n ? s.charCodeAt(p) : -1;
  }
  tzOn = false;
  tzMin = 0;
  if (p < n) {
    if (c === 90 || c === 122) {
      if (p + 1 !== n) return false;
      tzOn = true;
    } else if (c === 43 || c === 45) {
      const len = n - p;
      const hh = d2(s, p + 1);
      let mm = 0;
      if (hh < 0) return false;
      if (len === 5) mm = d2(s, p + 3);
      else if (len === 6) mm = s.charCodeAt(p + 3) === 58 ? d2(s, p + 4) : -1;
      else if (len !== 3) return false;
      if (mm < 0 || hh > 23 || mm > 59) return false;
      tzOn = true;
      tzMin = (c === 45 ? -1 : 1) * (hh * 60 + mm);
    } else {
      return false;
    }
  }
  h24 = false;
  if (h === 24) {
    if (mi !== 0 || se !== 0 || us !== 0) return false;
    h24 = true;
    tH = 0;
  } else if (h > 23) {
    return false;
  } else {
    tH = h;
  }
  if (mi > 59 || se > 59) return false;
  tMin = mi;
  tS = se;
  tUs = us;
  return true;
}
var S_Y4 = 0;
var S_Y2 = 1;
var S_MON = 2;
var S_DAY = 3;
var S_H24 = 4;
var S_H12 = 5;
var S_MIN = 6;
var S_SEC = 7;
var S_US = 8;
var S_YDAY = 9;
var S_AMPM = 10;
var S_TZ = 11;
var S_WDAY = 12;
var S_TZNAME = 13;
var SLOTS = new Int32Array(14);
var T_LIT = 0;
var T_WS = 1;
var T_NUM = 2;
var T_NAME = 3;
var T_TZ = 4;
var Tok = class {
  constructor(kind, slot, minW, maxW, lo, hi, spacePad, lit, names, values) {
    this.kind = kind;
    this.slot = slot;
    this.minW = minW;
    this.maxW = maxW;
    this.lo = lo;
    this.hi = hi;
    this.spacePad = spacePad;
    this.lit = lit;
    this.names = names;
    this.values = values;
  }
  kind;
  slot;
  minW;
  maxW;
  lo;
  hi;
  spacePad;
  lit;
  names;
  values;
};
var numTok = (slot, minW, maxW, lo, hi, spacePad = false) => new Tok(T_NUM, slot, minW, maxW, lo, hi, spacePad, "", [], []);
function nameTok(slot, names, values) {
  const order = names.map((_, i) => i).sort((a, b) => (names[b]?.length ?? 0) - (names[a]?.length ?? 0));
  return new Tok(
    T_NAME,
    slot,
    0,
    0,
    0,
    0,
    false,
    "",
    order.map((i) => names[i] ?? ""),
    order.map((i) => values[i] ?? 0)
  );
}
var MONTHS_FULL = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december"
];
var MONTHS_ABBR = MONTHS_FULL.map((m) => m.slice(0, 3));
var WEEKDAYS_FULL = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
var WEEKDAYS_ABBR = WEEKDAYS_FULL.map((d) => d.slice(0, 3));
var ONE_TO_12 = MONTHS_FULL.map((_, i) => i + 1);
var ZERO_TO_6 = WEEKDAYS_FULL.map((_, i) => i);
var DIRECTIVES = {
  Y: { group: "Y", make: () => numTok(S_Y4, 4, 4, 0, 9999) },
  y: { group: "y", make: () => numTok(S_Y2, 2, 2, 0, 99) },
  m: { group: "m", make: () => numTok(S_MON, 1, 2, 1, 12) },
  d: { group: "d", make: () => numTok(S_DAY, 1, 2, 1, 31, true) },
  e: { group: "d", make: () => numTok(S_DAY, 1, 2, 1, 31, true) },
  H: { group: "H", make: () => numTok(S_H24, 1, 2, 0, 23) },
  I: { group: "I", make: () => numTok(S_H12, 1, 2, 1, 12) },
  M: { group: "M", make: () => numTok(S_MIN, 1, 2, 0, 59) },
  S: { group: "S", make: () => numTok(S_SEC, 1, 2, 0, 61) },
  f: { group: "f", make: () => numTok(S_US, 1, 6, 0, 999999) },
  j: { group: "j", make: () => numTok(S_YDAY, 1, 3, 1, 366) },
  p: { group: "p", make: () => nameTok(S_AMPM, ["am", "pm"], [1, 2]) },
  b: { group: "b", make: () => nameTok(S_MON, MONTHS_ABBR, ONE_TO_12) },
  h: { group: "b", make: () => nameTok(S_MON, MONTHS_ABBR, ONE_TO_12) },
  B: { group: "B", make: () => nameTok(S_MON, MONTHS_FULL, ONE_TO_12) },
  a: { group: "a", make: () => nameTok(S_WDAY, WEEKDAYS_ABBR, ZERO_TO_6) },
  A: { group: "A", make: () => nameTok(S_WDAY, WEEKDAYS_FULL, ZERO_TO_6) },
  z: { group: "z", make: () => new Tok(T_TZ, S_TZ, 0, 0, 0, 0, false, "", [], []) },
  Z: { group: "Z", make: () => nameTok(S_TZNAME, ["utc", "gmt"], [0, 0]) }
};
function compileStrptime(pattern) {
  const toks = [];
  const groups = /* @__PURE__ */ new Set();
  const has = /* @__PURE__ */ new Set();
  let yearFrom = 0;
  let hourFrom = 0;
  let lit = "";
  const flushLit = () => {
    if (lit !== "") toks.push(new Tok(T_LIT, 0, 0, 0, 0, 0, false, lit, [], []));
    lit = "";
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 37) {
      const ch = pattern[i + 1];
      i++;
      if (ch === void 0) fail("format", `format "${pattern}" ends with a lone "%"`);
      if (ch === "%") {
        lit += "%";
        continue;
      }
      const spec = DIRECTIVES[ch];
      if (spec === void 0) fail("format", `format "${pattern}" uses "%${ch}", which is not supported`);
      if (groups.has(spec.group)) fail("format", `format "${pattern}" repeats "%${ch}"`);
      groups.add(spec.group);
      flushLit();
      const t = spec.make();
      toks.push(t);
      has.add(t.slot);
      if (ch === "Y") yearFrom = 1;
      else if (ch === "y") yearFrom = 2;
      else if (ch === "H") hourFrom = 1;
      else if (ch === "I") hourFrom = 2;
    } else if (isSpace(c)) {
      flushLit();
      while (i + 1 < pattern.length && isSpace(pattern.charCodeAt(i + 1))) i++;
      toks.push(new Tok(T_WS, 0, 0, 0, 0, 0, false, "", [], []));
    } else {
      lit += String.fromCharCode(lowerCode(c));
    }
  }
  flushLit();
  if (groups.size === 0) fail("format", `format "${pattern}" has no strptime directive (e.g. %Y, %m, %d)`);
  return { pattern, toks, yearFrom, hourFrom, has };
}
function matchToks(toks, ti, s, pos) {
  const end = s.length;
  for (; ; ) {
    const t = toks[ti];
    if (t === void 0) return pos === end;
    switch (t.kind) {
      case T_LIT: {
        const lit = t.lit;
        const n = lit.length;
        if (pos + n > end) return false;
        for (let k = 0; k < n; k++) if (lowerCode(s.charCodeAt(pos + k)) !== lit.charCodeAt(k)) return false;
        pos += n;
        ti++;
        continue;
      }
      case T_WS: {
        let n = 0;
        while (pos + n < end && isSpace(s.charCodeAt(pos + n))) n++;
        if (n === 0) return false;
        if (ti + 1 === toks.length) return pos + n === end;
        for (let w = n; w >= 1; w--) if (matchToks(toks, ti + 1, s, pos + w)) return true;
        return false;
      }
      case T_NUM: {
        for (let w = t.maxW; w >= t.minW; w--) {
          if (pos + w > end) continue;
          let v = 0;
          let k = 0;
          for (; k < w; k++) {
            const d = s.charCodeAt(pos + k) - 48;
            if (d < 0 || d > 9) break;
            v = v * 10 + d;
          }
          if (k < w || v < t.lo || v > t.hi) continue;
          SLOTS[t.slot] = t.slot === S_US ? v * (POW10[6 - w] ?? 1) : v;
          if (matchToks(toks, ti + 1, s, pos + w)) return true;
        }
        if (t.spacePad && pos + 2 <= end && s.charCodeAt(pos) === 32) {
          const d = s.charCodeAt(pos + 1) - 48;
          if (d >= 1 && d <= 9) {
            SLOTS[t.slot] = d;
            if (matchToks(toks, ti + 1, s, pos + 2)) return true;
          }
        }
        return false;
      }
      case T_NAME: {
        const { names, values } = t;
        for (let a = 0; a < names.length; a++) {
          const name = names[a] ?? "";
          const n = name.length;
          if (pos + n > end) continue;
          let k = 0;
          while (k < n && lowerCode(s.charCodeAt(pos + k)) === name.charCodeAt(k)) k++;
          if (k < n) continue;
          SLOTS[t.slot] = values[a] ?? 0;
          if (matchToks(toks, ti + 1, s, pos + n)) return true;
        }
        return false;
      }
      case T_TZ: {
        if (pos >= end) return false;
        const c = s.charCodeAt(pos);
        if (c === 90) {
          SLOTS[S_TZ] = 0;
          pos++;
        } else if (c === 43 || c === 45) {
          const hh = d2(s, pos + 1);
          const colon = s.charCodeAt(pos + 3) === 58 ? 1 : 0;
          const mm = d2(s, pos + 3 + colon);
          if (hh < 0 || mm < 0 || mm > 59 || hh > 23 || pos + 5 + colon > end) return false;
          SLOTS[S_TZ] = (c === 45 ? -1 : 1) * (hh * 60 + mm);
          pos += 5 + colon;
        } else {
          return false;
        }
        ti++;
        continue;
      }
      default:
        return false;
    }
  }
}
function runStrptime(p, s) {
  if (!matchToks(p.toks, 0, s, 0)) return false;
  const has = p.has;
  let year = 1900;
  if (p.yearFrom === 1) year = SLOTS[S_Y4] ?? 0;
  else if (p.yearFrom === 2) {
    const y = SLOTS[S_Y2] ?? 0;
    year = y <= 68 ? 2e3 + y : 1900 + y;
  }
  let month = has.has(S_MON) ? SLOTS[S_MON] ?? 1 : 1;
  let day = has.has(S_DAY) ? SLOTS[S_DAY] ?? 1 : 1;
  if (year < 1) return false;
  if (has.has(S_YDAY)) {
    civilFromDays(daysFromCivil(year, 1, 1) + (SLOTS[S_YDAY] ?? 1) - 1);
    year = dY;
    month = dM;
    day = dD;
    if (year > 9999) return false;
  } else if (day > daysInMonth(year, month)) {
    return false;
  }
  let hour = 0;
  if (p.hourFrom === 1) hour = SLOTS[S_H24] ?? 0;
  else if (p.hourFrom === 2) {
    hour = SLOTS[S_H12] ?? 0;
    const pm = has.has(S_AMPM) && SLOTS[S_AMPM] === 2;
    if (!pm) {
      if (hour === 12) hour = 0;
    } else if (hour !== 12) hour += 12;
  }
  const second = has.has(S_SEC) ? SLOTS[S_SEC] ?? 0 : 0;
  if (second > 59) return false;
  dY = year;
  dM = month;
  dD = day;
  tH = hour;
  tMin = has.has(S_MIN) ? SLOTS[S_MIN] ?? 0 : 0;
  tS = second;
  tUs = has.has(S_US) ? SLOTS[S_US] ?? 0 : 0;
  tzOn = has.has(S_TZ);
  tzMin = tzOn ? SLOTS[S_TZ] ?? 0 : 0;
  h24 = false;
  return true;
}
var DEFAULT_DATE_STRPTIME = compileStrptime("%Y-%m-%d");
var MONTH_NAME_SRC = "january|february|march|april|may|june|july|august|september|october|november|december|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec";
var WEEKDAY_SRC = "(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|thurs|thur|mon|tue|wed|thu|fri|sat|sun)\\.?,?\\s+)?";
var ORDINAL_SRC = "(?:st|nd|rd|th)?";
var NAME_SEP_SRC = "(?:\\s*[-/.,]\\s*|\\s+)";
var TIME_SRC = "(\\d{1,2})(?::(\\d{2})(?::(\\d{2})(?:[.,](\\d+))?)?)?(?:\\s*([ap])\\.?m\\.?)?(?:\\s*(z|utc|gmt|[+-]\\d{2}(?::?\\d{2})?))?";
var F_YMD = 0;
var F_AMBIGUOUS = 1;
var F_DMY_NAME = 2;
var F_MDY_NAME = 3;
var F_YMD_NAME = 4;
var ANY_DATE_FORMS = [
  { re: /(\d{4})([-/.])(\d{1,2})\2(\d{1,2})/y, form: F_YMD },
  { re: /(\d{4})()(\d{2})(\d{2})/y, form: F_YMD },
  { re: /(\d{1,2})([-/.])(\d{1,2})\2(\d{4})/y, form: F_AMBIGUOUS },
  {
    re: new RegExp(`${WEEKDAY_SRC}(\\d{1,2})${ORDINAL_SRC}${NAME_SEP_SRC}?(${MONTH_NAME_SRC})\\.?${NAME_SEP_SRC}?(\\d{4})`, "iy"),
    form: F_DMY_NAME
  },
  {
    re: new RegExp(`${WEEKDAY_SRC}(${MONTH_NAME_SRC})\\.?${NAME_SEP_SRC}?(\\d{1,2})${ORDINAL_SRC}${NAME_SEP_SRC}(\\d{4})`, "iy"),
    form: F_MDY_NAME
  },
  {
    re: new RegExp(`(\\d{4})${NAME_SEP_SRC}(${MONTH_NAME_SRC})\\.?${NAME_SEP_SRC}(\\d{1,2})${ORDINAL_SRC}`, "iy"),
    form: F_YMD_NAME
  }
];
var ANY_TIME_ONLY = new RegExp(`${TIME_SRC}$`, "iy");
var ANY_TIME_AFTER_DATE = new RegExp(`(?:\\s*t\\s*|\\s*,\\s*|\\s+)${TIME_SRC}$`, "iy");
function monthFromName(name) {
  return MONTHS_ABBR.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}
function setAnyDate(m, form) {
  let y;
  let mo;
  let d;
  if (form === F_YMD) {
    y = Number(m[1]);
    mo = Number(m[3]);
    d = Number(m[4]);
  } else if (form === F_AMBIGUOUS) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    y = Number(m[4]);
    if (a > 12) {
      d = a;
      mo = b;
    } else {
      mo = a;
      d = b;
    }
  } else if (form === F_DMY_NAME) {
    d = Number(m[1]);
    mo = monthFromName(m[2] ?? "");
    y = Number(m[3]);
  } else if (form === F_MDY_NAME) {
    mo = monthFromName(m[1] ?? "");
    d = Number(m[2]);
    y = Number(m[3]);
  } else {
    y = Number(m[1]);
    mo = monthFromName(m[2] ?? "");
    d = Number(m[3]);
  }
  if (!validDate(y, mo, d)) return false;
  dY = y;
  dM = mo;
  dD = d;
  return true;
}
function setAnyTime(m) {
  const h = Number(m[1]);
  const mi = m[2] === void 0 ? -1 : Number(m[2]);
  const ampm = m[5];
  if (mi < 0 && ampm === void 0) return false;
  const se = m[3] === void 0 ? 0 : Number(m[3]);
  let hour = h;
  if (ampm !== void 0) {
    if (h < 1 || h > 12) return false;
    hour = h % 12 + ((ampm.charCodeAt(0) | 32) === 112 ? 12 : 0);
  } else if (h > 23) return false;
  if (mi > 59 || se > 59) return false;
  let us = 0;
  const frac = m[4];
  if (frac !== void 0) us = Number(frac.slice(0, 6).padEnd(6, "0"));
  tzOn = false;
  tzMin = 0;
  const tz = m[6];
  if (tz !== void 0) {
    tzOn = true;
    const c = tz.charCodeAt(0);
    if (c === 43 || c === 45) {
      const hh = Number(tz.slice(1, 3));
      const rest = tz.slice(3).replace(":", "");
      const mm = rest === "" ? 0 : Number(rest);
      if (hh > 23 || mm > 59) return false;
      tzMin = (c === 45 ? -1 : 1) * (hh * 60 + mm);
    }
  }
  tH = hour;
  tMin = mi < 0 ? 0 : mi;
  tS = se;
  tUs = us;
  h24 = false;
  return true;
}
var MODE_DATE = 0;
var MODE_TIME = 1;
var MODE_DATETIME = 2;
function parseAny(s, mode) {
  if (mode === MODE_TIME) {
    ANY_TIME_ONLY.lastIndex = 0;
    const t = ANY_TIME_ONLY.exec(s);
    if (t !== null && setAnyTime(t)) return true;
  }
  for (const { re, form } of ANY_DATE_FORMS) {
    re.lastIndex = 0;
    const m = re.exec(s);
    if (m === null || !setAnyDate(m, form)) continue;
    const p = re.lastIndex;
    if (p === s.length) {
      if (mode === MODE_TIME) return false;
      tH = tMin = tS = tUs = tzMin = 0;
      tzOn = h24 = false;
      return true;
    }
    ANY_TIME_AFTER_DATE.lastIndex = p;
    const t = ANY_TIME_AFTER_DATE.exec(s);
    if (t !== null && setAnyTime(t)) return true;
  }
  return false;
}
function readDateDefault(cell) {
  if (cell.length === 10 && parseIsoDate10(cell)) return cell;
  return runStrptime(DEFAULT_DATE_STRPTIME, cell) ? fmtDate() : INVALID;
}
function readTimeDefault(cell) {
  if (cell.length < 8 || cell.charCodeAt(5) !== 58 || !parseIsoTime(cell, 0)) return INVALID;
  if (cell.length === 8 && !h24) return cell;
  return fmtTime();
}
function readDateTimeDefault(cell) {
  if (cell.length < 19 || cell.charCodeAt(16) !== 58) return INVALID;
  if (!parseIsoDate10(cell) || !parseIsoTime(cell, 11)) return INVALID;
  if (cell.length === 19 && cell.charCodeAt(10) === 84 && !h24) return cell;
  return fmtDateTime();
}
function patternOf(format) {
  if (format.startsWith("fmt:")) return format.slice(4);
  return format.includes("%") ? format : null;
}
function temporalFormat(type, format) {
  const mode = type === "date" ? MODE_DATE : type === "time" ? MODE_TIME : MODE_DATETIME;
  const article = type === "time" ? "a time" : type === "date" ? "a date" : "a datetime";
  if (format === "default") {
    if (type === "date") return { read: readDateDefault, expected: "a date in format YYYY-MM-DD" };
    if (type === "time") return { read: readTimeDefault, expected: "a time in format HH:MM:SS" };
    return {
      read: readDateTimeDefault,
      expected: "a datetime in format YYYY-MM-DDTHH:MM:SS (optionally with fraction and Z or ±HH:MM)"
    };
  }
  const out = mode === MODE_DATE ? fmtDate : mode === MODE_TIME ? fmtTime : fmtDateTime;
  if (format === "any") {
    const forms = mode === MODE_TIME ? "e.g. 14:30, 14:30:05, 2:30 pm" : "e.g. 2020-12-31, 31/12/2020, 12/31/2020, 31 Dec 2020, Dec 31, 2020";
    return {
      read: (cell) => parseAny(cell, mode) ? out() : INVALID,
      expected: `${article} in a common format (${forms}${mode === MODE_DATETIME ? ", followed by a time" : ""})`
    };
  }
  const pattern = patternOf(format);
  if (pattern === null) fail("format", `format "${format}" is not valid for type "${type}": use "default", "any" or a strptime pattern such as "%d/%m/%Y"`);
  const p = compileStrptime(pattern);
  return {
    read: (cell) => runStrptime(p, cell) ? out() : INVALID,
    expected: `${article} in format ${pattern}`
  };
}
function readYear(cell) {
  if (cell.length !== 4) return INVALID;
  const c0 = cell.charCodeAt(0);
  let v = c0 === 43 ? 0 : c0 - 48;
  if (c0 !== 43 && (v < 0 || v > 9)) return INVALID;
  for (let i = 1; i < 4; i++) {
    const d = cell.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return INVALID;
    v = v * 10 + d;
  }
  return v;
}
function plainUnsigned(s, start, end, maxDigits) {
  let i = start;
  if (i < end && s.charCodeAt(i) === 43) i++;
  if (i >= end || end - i > maxDigits) return -1;
  let v = 0;
  for (; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
function readYearMonth(cell) {
  const dash = cell.indexOf("-");
  if (dash < 0 || cell.indexOf("-", dash + 1) >= 0) return INVALID;
  const y = plainUnsigned(cell, 0, dash, 4);
  const m = plainUnsigned(cell, dash + 1, cell.length, 2);
  if (y < 0 || m < 1 || m > 12) return INVALID;
  if (cell.length === 7 && dash === 4 && cell.charCodeAt(0) !== 43 && cell.charCodeAt(5) !== 43) return cell;
  return `${pad4(y)}-${pad2(m)}`;
}
var DURATION_RE = /^([+-])?P(?!\b)(?:(\d+(?:[,.]\d+)?)Y)?(?:(\d+(?:[,.]\d+)?)M)?(?:(\d+(?:[,.]\d+)?)W)?(?:(\d+(?:[,.]\d+)?)D)?(?:T(?:(\d+(?:[,.]\d+)?)H)?(?:(\d+(?:[,.]\d+)?)M)?(?:(\d+(?:[,.]\d+)?)S)?)?$/;
function readDuration(cell) {
  return DURATION_RE.test(cell) ? cell : INVALID;
}
function durationKey(v) {
  const m = DURATION_RE.exec(String(v));
  if (m === null) return `du:${String(v)}`;
  const n = (i) => m[i] === void 0 ? 0 : Number((m[i] ?? "0").replace(",", "."));
  const sign = m[1] === "-" ? -1 : 1;
  const months = sign * (n(2) * 12 + n(3));
  const seconds = sign * (n(4) * 604800 + n(5) * 86400 + n(6) * 3600 + n(7) * 60 + n(8));
  return `du:${numberKey(months + 0)}:${numberKey(seconds + 0)}`;
}
function coordinate(v) {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return NaN;
  let a = 0;
  let b = v.length;
  while (a < b && isSpace(v.charCodeAt(a))) a++;
  while (b > a && isSpace(v.charCodeAt(b - 1))) b--;
  if (scanNumber(v, a, b, 46, -1) !== NUM_FINITE) return NaN;
  return Number(v.slice(a, b));
}
function geopointOf(lon, lat) {
  if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) return INVALID;
  return [lon, lat];
}
function geopointFromArray(v) {
  if (!Array.isArray(v) || v.length !== 2) return INVALID;
  return geopointOf(coordinate(v[0]), coordinate(v[1]));
}
function geopointFromObject(v) {
  if (!isPlainObject(v) || Object.keys(v).length !== 2 || !("lon" in v) || !("lat" in v)) return INVALID;
  return geopointOf(coordinate(v.lon), coordinate(v.lat));
}
function readGeopointDefault(cell) {
  const comma = cell.indexOf(",");
  if (comma < 0 || cell.indexOf(",", comma + 1) >= 0) return INVALID;
  return geopointOf(coordinate(cell.slice(0, comma)), coordinate(cell.slice(comma + 1)));
}
function geopointKey(v) {
  const [lon, lat] = v;
  return `g:${numberKey(lon)},${numberKey(lat)}`;
}
var isNum = (v) => typeof v === "number";
var isPosition = (v) => Array.isArray(v) && v.length >= 2 && v.every(isNum);
var arrayOf = (item, min = 0) => (v) => Array.isArray(v) && v.length >= min && v.every(item);
var isPositions = arrayOf(isPosition);
var isLineString = arrayOf(isPosition, 2);
var isLinearRing = arrayOf(isPosition, 4);
var isPolygon = arrayOf(isLinearRing);
var GEOMETRY_COORDINATES = {
  Point: isPosition,
  MultiPoint: isPositions,
  LineString: isLineString,
  MultiLineString: arrayOf(isLineString),
  Polygon: isPolygon,
  MultiPolygon: arrayOf(isPolygon)
};
function isGeometry(v) {
  if (!isPlainObject(v) || typeof v.type !== "string") return false;
  if (v.bbox !== void 0 && !arrayOf(isNum)(v.bbox)) return false;
  if (v.type === "GeometryCollection") return arrayOf(isGeometry)(v.geometries);
  const coords = Object.prototype.hasOwnProperty.call(GEOMETRY_COORDINATES, v.type) ? GEOMETRY_COORDINATES[v.type] : void 0;
  return coords !== void 0 && coords(v.coordinates);
}
function isFeature(v) {
  return isPlainObject(v) && v.type === "Feature" && "geometry" in v && (v.geometry === null || isGeometry(v.geometry)) && "properties" in v && (v.properties === null || isPlainObject(v.properties)) && (v.bbox === void 0 || arrayOf(isNum)(v.bbox));
}
function isGeoJson(v) {
  if (!isPlainObject(v)) return false;
  if (v.type === "Feature") return isFeature(v);
  if (v.type === "FeatureCollection") {
    return arrayOf(isFeature)(v.features) && (v.bbox === void 0 || arrayOf(isNum)(v.bbox));
  }
  return isGeometry(v);
}
var isInt = (v) => Number.isInteger(v);
var isArcs1 = arrayOf(isInt);
var isArcs2 = arrayOf(isArcs1);
var TOPO_GEOMETRY = {
  Point: (g) => isPosition(g.coordinates),
  MultiPoint: (g) => isPositions(g.coordinates),
  LineString: (g) => isArcs1(g.arcs),
  MultiLineString: (g) => isArcs2(g.arcs),
  Polygon: (g) => isArcs2(g.arcs),
  MultiPolygon: (g) => arrayOf(isArcs2)(g.arcs),
  GeometryCollection: (g) => arrayOf(isTopoGeometry)(g.geometries)
};
function isTopoGeometry(v) {
  if (!isPlainObject(v) || typeof v.type !== "string") return false;
  if (v.properties !== void 0 && !isPlainObject(v.properties)) return false;
  const check = Object.prototype.hasOwnProperty.call(TOPO_GEOMETRY, v.type) ? TOPO_GEOMETRY[v.type] : void 0;
  return check !== void 0 && check(v);
}
function isTopoJson(v) {
  if (!isPlainObject(v) || typeof v.type !== "string") return false;
  if (v.type !== "Topology") return isTopoGeometry(v);
  const objects = v.objects;
  if (!isPlainObject(objects) || !Object.values(objects).every(isTopoGeometry)) return false;
  const isArc = arrayOf((p) => p === null || isPosition(p), 2);
  if (!arrayOf(isArc)(v.arcs)) return false;
  const t = v.transform;
  if (t !== void 0) {
    if (!isPlainObject(t)) return false;
    const pair = arrayOf(isNum, 2);
    if (!pair(t.scale) || !pair(t.translate)) return false;
  }
  return true;
}
var EMAIL_RE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
function readEmail(cell) {
  const at = cell.indexOf("@");
  if (at < 1 || at > 64 || cell.length > 320) return INVALID;
  return EMAIL_RE.test(cell) ? cell : INVALID;
}
function readUri(cell) {
  const n = cell.length;
  const c0 = cell.charCodeAt(0) | 32;
  if (n < 2 || c0 < 97 || c0 > 122) return INVALID;
  for (let i = 1; i < n; i++) {
    const c = cell.charCodeAt(i);
    if (c === 58) return cell;
    const l = c | 32;
    if (!(l >= 97 && l <= 122 || c >= 48 && c <= 57 || c === 43 || c === 45 || c === 46)) return INVALID;
  }
  return INVALID;
}
function isHex(c) {
  const l = c | 32;
  return c >= 48 && c <= 57 || l >= 97 && l <= 102;
}
function readUuid(cell) {
  if (cell.length !== 36) return INVALID;
  for (let i = 0; i < 36; i++) {
    const c = cell.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return INVALID;
    } else if (!isHex(c)) return INVALID;
  }
  return cell;
}
function isBase64Char(c) {
  const l = c | 32;
  return l >= 97 && l <= 122 || c >= 48 && c <= 57 || c === 43 || c === 47;
}
function readBinary(cell) {
  const n = cell.length;
  if (n % 4 !== 0) return INVALID;
  let pad = 0;
  if (n > 0 && cell.charCodeAt(n - 1) === 61) pad = cell.charCodeAt(n - 2) === 61 ? 2 : 1;
  for (let i = 0; i < n - pad; i++) if (!isBase64Char(cell.charCodeAt(i))) return INVALID;
  return cell;
}
var VALUE_CONSTRAINTS = ["minimum", "maximum", "enum"];
var COLLECTION_CONSTRAINTS = ["minLength", "maxLength", "enum"];
var ENUM_ONLY = ["enum"];
var stringKey = (v) => `s:${String(v)}`;
var noJson = () => INVALID;
function codePointLength(s) {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 55296 && c <= 56319) {
      const d = s.charCodeAt(i + 1);
      if (d >= 56320 && d <= 57343) {
        n--;
        i++;
      }
    }
  }
  return n;
}
function collectionSize(v) {
  return Array.isArray(v) ? v.length : Object.keys(v).length;
}
function stringArray(v, property) {
  if (v === void 0) return void 0;
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) fail(property, `"${property}" must be an array of strings`);
  return v;
}
function numberOptions(field, format) {
  const dec = field.decimalChar ?? ".";
  if (typeof dec !== "string" || dec === "") fail("decimalChar", '"decimalChar" must be a non-empty string');
  const grp = field.groupChar ?? "";
  if (typeof grp !== "string") fail("groupChar", '"groupChar" must be a string');
  const bareNumber = field.bareNumber ?? true;
  if (typeof bareNumber !== "boolean") fail("bareNumber", '"bareNumber" must be true or false');
  return { dec, grp, bare: bareNumber && format !== "currency" };
}
function typeImpl(type, format, field) {
  const badFormat = () => fail("format", `format "${format}" is not valid for type "${type}"`);
  const onlyDefault = () => {
    if (format !== "default") badFormat();
  };
  switch (type) {
    case "string": {
      const read = format === "default" ? (cell) => cell : format === "email" ? readEmail : format === "uri" ? readUri : format === "binary" ? readBinary : format === "uuid" ? readUuid : badFormat();
      const expected = {
        default: "a string",
        email: "an email address",
        uri: "a URI with a scheme (e.g. https://example.org)",
        binary: "base64-encoded data",
        uuid: "a UUID (8-4-4-4-12 hexadecimal digits)"
      }[format];
      return {
        read,
        expected,
        key: stringKey,
        iso: read,
        fromJson: noJson,
        decimal: null,
        constraints: ["minLength", "maxLength", "pattern", "enum"],
        size: (v) => codePointLength(v),
        enumByKey: false
      };
    }
    case "integer": {
      if (format !== "default" && format !== "currency") badFormat();
      const { bare } = numberOptions(field, format);
      const codec = stripped(integerCodec(bare));
      return {
        read: codec.read,
        expected: bare ? "an integer" : "an integer (currency symbols and units around it are ignored)",
        key: integerKey,
        iso: integerCodec(true).read,
        fromJson: (v) => typeof v === "number" && Number.isInteger(v) ? Number.isSafeInteger(v) ? v : BigInt(v) : INVALID,
        decimal: codec.decimal,
        constraints: VALUE_CONSTRAINTS,
        enumByKey: false
      };
    }
    case "number": {
      if (format !== "default" && format !== "currency") badFormat();
      const options = numberOptions(field, format);
      const codec = stripped(numberCodec(options));
      const parts = [];
      if (options.dec !== ".") parts.push(`decimal "${options.dec}"`);
      if (options.grp !== "") parts.push(`group "${options.grp}"`);
      let expected = parts.length > 0 ? `a number with ${parts.join(" and ")}` : "a number";
      if (!options.bare) expected += " (currency symbols and units around it are ignored)";
      return {
        read: codec.read,
        expected,
        key: (v) => `n:${numberKey(v)}`,
        iso: numberCodec({ dec: ".", grp: "", bare: true }).read,
        fromJson: (v) => typeof v === "number" ? v : INVALID,
        decimal: codec.decimal,
        constraints: VALUE_CONSTRAINTS,
        enumByKey: false
      };
    }
    case "boolean": {
      onlyDefault();
      const trueValues = stringArray(field.trueValues, "trueValues") ?? DEFAULT_TRUE_VALUES;
      const falseValues = stringArray(field.falseValues, "falseValues") ?? DEFAULT_FALSE_VALUES;
      const trues = new Set(trueValues);
      const falses = new Set(falseValues);
      const read = (cell) => trues.has(cell) ? true : falses.has(cell) ? false : INVALID;
      return {
        read,
        expected: `a boolean (${trueValues.map(quote).join(", ")} or ${falseValues.map(quote).join(", ")})`,
        // Python: True == 1 and False == 0
        key: (v) => v ? "n:1" : "n:0",
        iso: read,
        fromJson: (v) => typeof v === "boolean" ? v : INVALID,
        decimal: null,
        constraints: ENUM_ONLY,
        enumByKey: false
      };
    }
    case "date":
    case "time":
    case "datetime": {
      const t = temporalFormat(type, format);
      const prefix = type === "date" ? "d:" : type === "time" ? "t:" : "dt:";
      return {
        read: t.read,
        expected: t.expected,
        key: (v) => prefix + String(v),
        iso: type === "date" ? readDateDefault : type === "time" ? readTimeDefault : readDateTimeDefault,
        fromJson: noJson,
        decimal: null,
        constraints: VALUE_CONSTRAINTS,
        enumByKey: false
      };
    }
    case "year":
      onlyDefault();
      return {
        read: readYear,
        expected: "a year (four digits)",
        key: (v) => `n:${numberKey(v)}`,
        iso: readYear,
        fromJson: (v) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 9999 ? v : INVALID,
        decimal: null,
        constraints: VALUE_CONSTRAINTS,
        enumByKey: false
      };
    case "yearmonth":
      onlyDefault();
      return {
        read: readYearMonth,
        expected: "a year and month (YYYY-MM)",
        key: (v) => `ym:${String(v)}`,
        iso: readYearMonth,
        fromJson: noJson,
        decimal: null,
        constraints: VALUE_CONSTRAINTS,
        enumByKey: false
      };
    case "duration":
      onlyDefault();
      return {
        read: readDuration,
        expected: "an ISO 8601 duration (e.g. P1Y2M10DT2H30M)",
        key: durationKey,
        iso: readDuration,
        fromJson: noJson,
        decimal: null,
        constraints: ENUM_ONLY,
        enumByKey: false
      };
    case "object":
    case "array": {
      onlyDefault();
      const isObject4 = type === "object";
      const read = isObject4 ? (cell) => {
        const v = parseJson(cell, 123);
        return isPlainObject(v) ? v : INVALID;
      } : (cell) => {
        const v = parseJson(cell, 91);
        return Array.isArray(v) ? v : INVALID;
      };
      return {
        read,
        expected: isObject4 ? "a JSON object" : "a JSON array",
        key: (v) => `j:${stableJson(v)}`,
        iso: read,
        fromJson: (v) => (isObject4 ? isPlainObject(v) : Array.isArray(v)) ? v : INVALID,
        decimal: null,
        constraints: COLLECTION_CONSTRAINTS,
        size: collectionSize,
        enumByKey: true
      };
    }
    case "geopoint": {
      let read;
      let expected;
      if (format === "default") {
        read = readGeopointDefault;
        expected = 'a geopoint "lon, lat"';
      } else if (format === "array") {
        read = (cell) => geopointFromArray(parseJson(cell, 91));
        expected = "a geopoint [lon, lat]";
      } else if (format === "object") {
        read = (cell) => geopointFromObject(parseJson(cell, 123));
        expected = 'a geopoint {"lon": …, "lat": …}';
      } else {
        return badFormat();
      }
      return {
        read,
        expected: `${expected} (longitude -180..180, latitude -90..90)`,
        key: geopointKey,
        iso: read,
        fromJson: (v) => Array.isArray(v) ? geopointFromArray(v) : geopointFromObject(v),
        decimal: null,
        constraints: ENUM_ONLY,
        enumByKey: true
      };
    }
    case "geojson": {
      if (format !== "default" && format !== "topojson") badFormat();
      const valid = format === "topojson" ? isTopoJson : isGeoJson;
      const read = (cell) => {
        const v = parseJson(cell, 123);
        return valid(v) ? v : INVALID;
      };
      return {
        read,
        expected: format === "topojson" ? "a TopoJSON object" : "a GeoJSON object",
        key: (v) => `j:${stableJson(v)}`,
        iso: read,
        fromJson: (v) => valid(v) ? v : INVALID,
        decimal: null,
        constraints: ENUM_ONLY,
        enumByKey: true
      };
    }
    case "any": {
      onlyDefault();
      const read = (cell) => cell;
      return {
        read,
        expected: "any value",
        key: stringKey,
        iso: read,
        fromJson: noJson,
        decimal: null,
        constraints: ENUM_ONLY,
        enumByKey: false
      };
    }
    default:
      return fail("type", `unknown type "${type}" (expected one of ${FIELD_TYPES.join(", ")})`);
  }
}
function descriptorValue(impl, v) {
  if (typeof v === "string") {
    const r = impl.read(v);
    return r === INVALID ? impl.iso(v) : r;
  }
  return impl.fromJson(v);
}
function compilePattern(pattern) {
  const source = `^(?:${pattern.replace(/\(\?P</g, "(?<").replace(/\(\?P=(\w+)\)/g, "\\k<$1>")})$`;
  try {
    return new RegExp(source, "u");
  } catch {
    try {
      return new RegExp(source);
    } catch (e) {
      return fail("constraints/pattern", `constraint "pattern" is not a valid regular expression: ${e.message}`);
    }
  }
}
var NO_PROBLEM = () => void 0;
function enumText(values) {
  const shown = values.slice(0, 10).map(quote).join(", ");
  return values.length > 10 ? `${shown}, … (${values.length} values)` : shown;
}
function lengthConstraint(c, name) {
  const v = c[name];
  if (v === void 0) return name === "minLength" ? 0 : Infinity;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) fail(`constraints/${name}`, `constraint "${name}" must be a non-negative integer`);
  return v;
}
function buildCheck(type, impl, c) {
  for (const name of Object.keys(c)) {
    if (name === "required" || name === "unique") continue;
    if (!impl.constraints.includes(name)) fail(`constraints/${name}`, `constraint "${name}" is not supported by type "${type}"`);
  }
  const hasLength = c.minLength !== void 0 || c.maxLength !== void 0;
  const minLength = lengthConstraint(c, "minLength");
  const maxLength = lengthConstraint(c, "maxLength");
  const size = impl.size;
  let re = null;
  if (c.pattern !== void 0) {
    if (typeof c.pattern !== "string") fail("constraints/pattern", 'constraint "pattern" must be a string');
    re = compilePattern(c.pattern);
  }
  const bound = (name) => {
    const raw = c[name];
    if (raw === void 0) return void 0;
    const v = descriptorValue(impl, raw);
    if (v === INVALID) fail(`constraints/${name}`, `constraint "${name}" ${quote(raw)} is not ${impl.expected}`);
    return v;
  };
  const min = bound("minimum");
  const max = bound("maximum");
  let enumSet = null;
  if (c.enum !== void 0) {
    const values = c.enum;
    if (!Array.isArray(values)) fail("constraints/enum", 'constraint "enum" must be an array');
    enumSet = /* @__PURE__ */ new Set();
    for (const raw of values) {
      const v = descriptorValue(impl, raw);
      if (v === INVALID) fail("constraints/enum", `constraint "enum" value ${quote(raw)} is not ${impl.expected}`);
      enumSet.add(impl.enumByKey ? impl.key(v) : v);
    }
  }
  if (!hasLength && re === null && min === void 0 && max === void 0 && enumSet === null) return NO_PROBLEM;
  const msgMinLength = `is shorter than the minimum length ${minLength}`;
  const msgMaxLength = `is longer than the maximum length ${maxLength}`;
  const msgPattern = `does not match pattern ${String(c.pattern)}`;
  const msgMin = `is below the minimum ${String(c.minimum)}`;
  const msgMax = `is above the maximum ${String(c.maximum)}`;
  const msgEnum = `is not one of ${enumText(c.enum ?? [])}`;
  const hasMin = min !== void 0;
  const hasMax = max !== void 0;
  const byKey = impl.enumByKey;
  const key = impl.key;
  const lo = min;
  const hi = max;
  return (value, cell) => {
    if (hasLength && size !== void 0) {
      const n = size(value);
      if (n < minLength) return msgMinLength;
      if (n > maxLength) return msgMaxLength;
    }
    if (re !== null && !re.test(cell)) return msgPattern;
    if (hasMin && !(value >= lo)) return msgMin;
    if (hasMax && !(value <= hi)) return msgMax;
    if (enumSet !== null && !enumSet.has(byKey ? key(value) : value)) return msgEnum;
    return void 0;
  };
}
function withMissing(fn, missing) {
  if (missing.length === 0) return fn;
  if (missing.length === 1) {
    const m = missing[0];
    return (cell) => cell === m ? null : fn(cell);
  }
  const set = new Set(missing);
  return (cell) => set.has(cell) ? null : fn(cell);
}
var NO_DECIMAL = () => null;
function stripped(codec) {
  const edge = (c) => c <= 32 || c === 160 || c === 5760 || c >= 8192 && c <= 12288 || c === 65279;
  const padded = (cell) => cell.length > 0 && (edge(cell.charCodeAt(0)) || edge(cell.charCodeAt(cell.length - 1)));
  const { read, decimal } = codec;
  return { ...codec, read: (cell) => read(padded(cell) ? cell.trim() : cell), decimal: (cell) => decimal(padded(cell) ? cell.trim() : cell) };
}
function compileField(field, schemaMissingValues) {
  const rawType = field.type ?? "string";
  if (typeof rawType !== "string") fail("type", '"type" must be a string');
  const type = rawType;
  const rawFormat = field.format ?? "default";
  if (typeof rawFormat !== "string") fail("format", '"format" must be a string');
  const format = rawFormat;
  const impl = typeImpl(type, format, field);
  const missing = stringArray(field.missingValues, "missingValues") ?? stringArray(schemaMissingValues, "missingValues") ?? [""];
  const rawConstraints = field.constraints ?? {};
  if (!isPlainObject(rawConstraints)) fail("constraints", '"constraints" must be an object');
  const constraints = rawConstraints;
  const check = buildCheck(type, impl, constraints);
  return {
    name: field.name,
    type,
    format,
    required: constraints.required === true,
    unique: constraints.unique === true,
    expected: impl.expected,
    cast: withMissing(impl.read, missing),
    check,
    constrained: check !== NO_PROBLEM,
    key: impl.key,
    decimal: impl.decimal === null ? NO_DECIMAL : withMissing(impl.decimal, missing)
  };
}

// node_modules/big.js/big.mjs
var DP = 20;
var RM = 1;
var MAX_DP = 1e6;
var MAX_POWER = 1e6;
var NE = -7;
var PE = 21;
var STRICT = false;
var NAME = "[big.js] ";
var INVALID2 = NAME + "Invalid ";
var INVALID_DP = INVALID2 + "decimal places";
var INVALID_RM = INVALID2 + "rounding mode";
var DIV_BY_ZERO = NAME + "Division by zero";
var P = {};
var UNDEFINED = void 0;
var NUMERIC = /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
function _Big_() {
  function Big2(n) {
    var x = this;
    if (!(x instanceof Big2)) {
      return n === UNDEFINED && arguments.length === 0 ? _Big_() : new Big2(n);
    }
    if (n instanceof Big2) {
      x.s = n.s;
      x.e = n.e;
      x.c = n.c.slice();
    } else {
      if (typeof n !== "string") {
        if (Big2.strict === true && typeof n !== "bigint") {
          throw TypeError(INVALID2 + "value");
        }
        n = n === 0 && 1 / n < 0 ? "-0" : String(n);
      }
      parse(x, n);
    }
    x.constructor = Big2;
  }
  Big2.prototype = P;
  Big2.DP = DP;
  Big2.RM = RM;
  Big2.NE = NE;
  Big2.PE = PE;
  Big2.strict = STRICT;
  Big2.roundDown = 0;
  Big2.roundHalfUp = 1;
  Big2.roundHalfEven = 2;
  Big2.roundUp = 3;
  return Big2;
}
function parse(x, n) {
  var e, i, nl;
  if (!NUMERIC.test(n)) {
    throw Error(INVALID2 + "number");
  }
  x.s = n.charAt(0) == "-" ? (n = n.slice(1), -1) : 1;
  if ((e = n.indexOf(".")) > -1) n = n.replace(".", "");
  if ((i = n.search(/e/i)) > 0) {
    if (e < 0) e = i;
    e += +n.slice(i + 1);
    n = n.substring(0, i);
  } else if (e < 0) {
    e = n.length;
  }
  nl = n.length;
  for (i = 0; i < nl && n.charAt(i) == "0"; ) ++i;
  if (i == nl) {
    x.c = [x.e = 0];
  } else {
    for (; nl > 0 && n.charAt(--nl) == "0"; ) ;
    x.e = e - i - 1;
    x.c = [];
    for (e = 0; i <= nl; ) x.c[e++] = +n.charAt(i++);
  }
  return x;
}
function round(x, sd, rm, more) {
  var xc = x.c;
  if (rm === UNDEFINED) rm = x.constructor.RM;
  if (rm !== 0 && rm !== 1 && rm !== 2 && rm !== 3) {
    throw Error(INVALID_RM);
  }
  if (sd < 1) {
    more = rm === 3 && (more || !!xc[0]) || sd === 0 && (rm === 1 && xc[0] >= 5 || rm === 2 && (xc[0] > 5 || xc[0] === 5 && (more || xc[1] !== UNDEFINED)));
    xc.length = 1;
    if (more) {
      x.e = x.e - sd + 1;
      xc[0] = 1;
    } else {
      xc[0] = x.e = 0;
    }
  } else if (sd < xc.length) {
    more = rm === 1 && xc[sd] >= 5 || rm === 2 && (xc[sd] > 5 || xc[sd] === 5 && (more || xc[sd + 1] !== UNDEFINED || xc[sd - 1] & 1)) || rm === 3 && (more || !!xc[0]);
    xc.length = sd;
    if (more) {
      for (; ++xc[--sd] > 9; ) {
        xc[sd] = 0;
        if (sd === 0) {
          ++x.e;
          xc.unshift(1);
          break;
        }
      }
    }
    for (sd = xc.length; !xc[--sd]; ) xc.pop();
  }
  return x;
}
function stringify(x, doExponential, isNonzero) {
  var e = x.e, s = x.c.join(""), n = s.length;
  if (doExponential) {
    s = s.charAt(0) + (n > 1 ? "." + s.slice(1) : "") + (e < 0 ? "e" : "e+") + e;
  } else if (e < 0) {
    for (; ++e; ) s = "0" + s;
    s = "0." + s;
  } else if (e > 0) {
    if (++e > n) {
      for (e -= n; e--; ) s += "0";
    } else if (e < n) {
      s = s.slice(0, e) + "." + s.slice(e);
    }
  } else if (n > 1) {
    s = s.charAt(0) + "." + s.slice(1);
  }
  return x.s < 0 && isNonzero ? "-" + s : s;
}
P.abs = function() {
  var x = new this.constructor(this);
  x.s = 1;
  return x;
};
P.cmp = function(y) {
  var isneg, x = this, xc = x.c, yc = (y = new x.constructor(y)).c, i = x.s, j = y.s, k = x.e, l = y.e;
  if (!xc[0] || !yc[0]) return !xc[0] ? !yc[0] ? 0 : -j : i;
  if (i != j) return i;
  isneg = i < 0;
  if (k != l) return k > l ^ isneg ? 1 : -1;
  j = (k = xc.length) < (l = yc.length) ? k : l;
  for (i = -1; ++i < j; ) {
    if (xc[i] != yc[i]) return xc[i] > yc[i] ^ isneg ? 1 : -1;
  }
  return k == l ? 0 : k > l ^ isneg ? 1 : -1;
};
P.div = function(y) {
  var x = this, Big2 = x.constructor, a = x.c, b = (y = new Big2(y)).c, k = x.s == y.s ? 1 : -1, dp = Big2.DP;
  if (dp !== ~~dp || dp < 0 || dp > MAX_DP) {
    throw Error(INVALID_DP);
  }
  if (!b[0]) {
    throw Error(DIV_BY_ZERO);
  }
  if (!a[0]) {
    y.s = k;
    y.c = [y.e = 0];
    return y;
  }
  var bl, bt, n, cmp, ri, bz = b.slice(), ai = bl = b.length, al = a.length, r = a.slice(0, bl), rl = r.length, q = y, qc = q.c = [], qi = 0, p = dp + (q.e = x.e - y.e) + 1;
  q.s = k;
  k = p < 0 ? 0 : p;
  bz.unshift(0);
  for (; rl++ < bl; ) r.push(0);
  do {
    for (n = 0; n < 10; n++) {
      if (bl != (rl = r.length)) {
        cmp = bl > rl ? 1 : -1;
      } else {
        for (ri = -1, cmp = 0; ++ri < bl; ) {
          if (b[ri] != r[ri]) {
            cmp = b[ri] > r[ri] ? 1 : -1;
            break;
          }
        }
      }
      if (cmp < 0) {
        for (bt = rl == bl ? b : bz; rl; ) {
          if (r[--rl] < bt[rl]) {
            ri = rl;
            for (; ri && !r[--ri]; ) r[ri] = 9;
            --r[ri];
            r[rl] += 10;
          }
          r[rl] -= bt[rl];
        }
        for (; !r[0]; ) r.shift();
      } else {
        break;
      }
    }
    qc[qi++] = cmp ? n : ++n;
    if (r[0] && cmp) r[rl] = a[ai] || 0;
    else r = [a[ai]];
  } while ((ai++ < al || r[0] !== UNDEFINED) && k--);
  if (!qc[0] && qi != 1) {
    qc.shift();
    q.e--;
    p--;
  }
  if (qi > p) round(q, p, Big2.RM, r[0] !== UNDEFINED);
  return q;
};
P.eq = function(y) {
  return this.cmp(y) === 0;
};
P.gt = function(y) {
  return this.cmp(y) > 0;
};
P.gte = function(y) {
  return this.cmp(y) > -1;
};
P.lt = function(y) {
  return this.cmp(y) < 0;
};
P.lte = function(y) {
  return this.cmp(y) < 1;
};
P.minus = P.sub = function(y) {
  var i, j, t, xlty, x = this, Big2 = x.constructor, a = x.s, b = (y = new Big2(y)).s;
  if (a != b) {
    y.s = -b;
    return x.plus(y);
  }
  var xc = x.c.slice(), xe = x.e, yc = y.c, ye = y.e;
  if (!xc[0] || !yc[0]) {
    if (yc[0]) {
      y.s = -b;
    } else if (xc[0]) {
      y = new Big2(x);
    } else {
      y.s = 1;
    }
    return y;
  }
  if (a = xe - ye) {
    if (xlty = a < 0) {
      a = -a;
      t = xc;
    } else {
      ye = xe;
      t = yc;
    }
    t.reverse();
    for (b = a; b--; ) t.push(0);
    t.reverse();
  } else {
    j = ((xlty = xc.length < yc.length) ? xc : yc).length;
    for (a = b = 0; b < j; b++) {
      if (xc[b] != yc[b]) {
        xlty = xc[b] < yc[b];
        break;
      }
    }
  }
  if (xlty) {
    t = xc;
    xc = yc;
    yc = t;
    y.s = -y.s;
  }
  if ((b = (j = yc.length) - (i = xc.length)) > 0) for (; b--; ) xc[i++] = 0;
  for (b = i; j > a; ) {
    if (xc[--j] < yc[j]) {
      for (i = j; i && !xc[--i]; ) xc[i] = 9;
      --xc[i];
      xc[j] += 10;
    }
    xc[j] -= yc[j];
  }
  for (; xc[--b] === 0; ) xc.pop();
  for (; xc[0] === 0; ) {
    xc.shift();
    --ye;
  }
  if (!xc[0]) {
    y.s = 1;
    xc = [ye = 0];
  }
  y.c = xc;
  y.e = ye;
  return y;
};
P.mod = function(y) {
  var ygtx, x = this, Big2 = x.constructor, a = x.s, b = (y = new Big2(y)).s;
  if (!y.c[0]) {
    throw Error(DIV_BY_ZERO);
  }
  x.s = y.s = 1;
  ygtx = y.cmp(x) == 1;
  x.s = a;
  y.s = b;
  if (ygtx) return new Big2(x);
  a = Big2.DP;
  b = Big2.RM;
  Big2.DP = Big2.RM = 0;
  x = x.div(y);
  Big2.DP = a;
  Big2.RM = b;
  return this.minus(x.times(y));
};
P.neg = function() {
  var x = new this.constructor(this);
  x.s = -x.s;
  return x;
};
P.plus = P.add = function(y) {
  var e, k, t, x = this, Big2 = x.constructor;
  y = new Big2(y);
  if (x.s != y.s) {
    y.s = -y.s;
    return x.minus(y);
  }
  var xe = x.e, xc = x.c, ye = y.e, yc = y.c;
  if (!xc[0] || !yc[0]) {
    if (!yc[0]) {
      if (xc[0]) {
        y = new Big2(x);
      } else {
        y.s = x.s;
      }
    }
    return y;
  }
  xc = xc.slice();
  if (e = xe - ye) {
    if (e > 0) {
      ye = xe;
      t = yc;
    } else {
      e = -e;
      t = xc;
    }
    t.reverse();
    for (; e--; ) t.push(0);
    t.reverse();
  }
  if (xc.length - yc.length < 0) {
    t = yc;
    yc = xc;
    xc = t;
  }
  e = yc.length;
  for (k = 0; e; xc[e] %= 10) k = (xc[--e] = xc[e] + yc[e] + k) / 10 | 0;
  if (k) {
    xc.unshift(k);
    ++ye;
  }
  for (e = xc.length; xc[--e] === 0; ) xc.pop();
  y.c = xc;
  y.e = ye;
  return y;
};
P.pow = function(n) {
  var x = this, one = new x.constructor("1"), y = one, isneg = n < 0;
  if (n !== ~~n || n < -MAX_POWER || n > MAX_POWER) {
    throw Error(INVALID2 + "exponent");
  }
  if (isneg) n = -n;
  for (; ; ) {
    if (n & 1) y = y.times(x);
    n >>= 1;
    if (!n) break;
    x = x.times(x);
  }
  return isneg ? one.div(y) : y;
};
P.prec = function(sd, rm) {
  if (sd !== ~~sd || sd < 1 || sd > MAX_DP) {
    throw Error(INVALID2 + "precision");
  }
  return round(new this.constructor(this), sd, rm);
};
P.round = function(dp, rm) {
  if (dp === UNDEFINED) dp = 0;
  else if (dp !== ~~dp || dp < -MAX_DP || dp > MAX_DP) {
    throw Error(INVALID_DP);
  }
  return round(new this.constructor(this), dp + this.e + 1, rm);
};
P.sqrt = function() {
  var r, c, t, x = this, Big2 = x.constructor, s = x.s, e = x.e, half = new Big2("0.5");
  if (!x.c[0]) return new Big2(x);
  if (s < 0) {
    throw Error(NAME + "No square root");
  }
  s = Math.sqrt(+stringify(x, true, true));
  if (s === 0 || s === 1 / 0) {
    c = x.c.join("");
    if (!(c.length + e & 1)) c += "0";
    s = Math.sqrt(c);
    e = ((e + 1) / 2 | 0) - (e < 0 || e & 1);
    r = new Big2((s == 1 / 0 ? "5e" : (s = s.toExponential()).slice(0, s.indexOf("e") + 1)) + e);
  } else {
    r = new Big2(s + "");
  }
  e = r.e + (Big2.DP += 4);
  do {
    t = r;
    r = half.times(t.plus(x.div(t)));
  } while (t.c.slice(0, e).join("") !== r.c.slice(0, e).join(""));
  return round(r, (Big2.DP -= 4) + r.e + 1, Big2.RM);
};
P.times = P.mul = function(y) {
  var c, x = this, Big2 = x.constructor, xc = x.c, yc = (y = new Big2(y)).c, a = xc.length, b = yc.length, i = x.e, j = y.e;
  y.s = x.s == y.s ? 1 : -1;
  if (!xc[0] || !yc[0]) {
    y.c = [y.e = 0];
    return y;
  }
  y.e = i + j;
  if (a < b) {
    c = xc;
    xc = yc;
    yc = c;
    j = a;
    a = b;
    b = j;
  }
  for (c = new Array(j = a + b); j--; ) c[j] = 0;
  for (i = b; i--; ) {
    b = 0;
    for (j = a + i; j > i; ) {
      b = c[j] + yc[i] * xc[j - i - 1] + b;
      c[j--] = b % 10;
      b = b / 10 | 0;
    }
    c[j] = b;
  }
  if (b) ++y.e;
  else c.shift();
  for (i = c.length; !c[--i]; ) c.pop();
  y.c = c;
  return y;
};
P.toExponential = function(dp, rm) {
  var x = this, n = x.c[0];
  if (dp !== UNDEFINED) {
    if (dp !== ~~dp || dp < 0 || dp > MAX_DP) {
      throw Error(INVALID_DP);
    }
    x = round(new x.constructor(x), ++dp, rm);
    for (; x.c.length < dp; ) x.c.push(0);
  }
  return stringify(x, true, !!n);
};
P.toFixed = function(dp, rm) {
  var x = this, n = x.c[0];
  if (dp !== UNDEFINED) {
    if (dp !== ~~dp || dp < 0 || dp > MAX_DP) {
      throw Error(INVALID_DP);
    }
    x = round(new x.constructor(x), dp + x.e + 1, rm);
    for (dp = dp + x.e + 1; x.c.length < dp; ) x.c.push(0);
  }
  return stringify(x, false, !!n);
};
P.toJSON = P.toString = function() {
  var x = this, Big2 = x.constructor;
  return stringify(x, x.e <= Big2.NE || x.e >= Big2.PE, !!x.c[0]);
};
if (typeof Symbol !== "undefined") {
  P[/* @__PURE__ */ Symbol.for("nodejs.util.inspect.custom")] = P.toJSON;
}
P.toNumber = function() {
  var n = +stringify(this, true, true);
  if (this.constructor.strict === true && !this.eq(n.toString())) {
    throw Error(NAME + "Imprecise conversion");
  }
  return n;
};
P.toPrecision = function(sd, rm) {
  var x = this, Big2 = x.constructor, n = x.c[0];
  if (sd !== UNDEFINED) {
    if (sd !== ~~sd || sd < 1 || sd > MAX_DP) {
      throw Error(INVALID2 + "precision");
    }
    x = round(new Big2(x), sd, rm);
    for (; x.c.length < sd; ) x.c.push(0);
  }
  return stringify(x, sd <= x.e || x.e <= Big2.NE || x.e >= Big2.PE, !!n);
};
P.valueOf = function() {
  var x = this, Big2 = x.constructor;
  if (Big2.strict === true) {
    throw Error(NAME + "valueOf disallowed");
  }
  return stringify(x, x.e <= Big2.NE || x.e >= Big2.PE, true);
};
var Big = _Big_();
var big_default = Big;

// src/aggregate/decimal.ts
var TWO_52 = 2 ** 52;
var POW102 = Array.from({ length: 16 }, (_, i) => 10 ** i);
function parseAmount(dec) {
  let i = 0;
  const neg = dec.charCodeAt(0) === 45;
  if (neg) i = 1;
  let digits = "";
  let scale = 0;
  let seenDigit = false;
  let dot = -1;
  for (let k = i; k < dec.length; k++) {
    const c = dec.charCodeAt(k);
    if (c >= 48 && c <= 57) {
      seenDigit = true;
      continue;
    }
    if (c === 46 && dot < 0) {
      dot = k;
      continue;
    }
    return null;
  }
  if (!seenDigit) return null;
  if (dot < 0) digits = dec.slice(i);
  else {
    digits = dec.slice(i, dot) + dec.slice(dot + 1);
    scale = dec.length - dot - 1;
  }
  let z = 0;
  while (z < digits.length - 1 && digits.charCodeAt(z) === 48) z++;
  if (z > 0) digits = digits.slice(z);
  if (digits.length <= 15) {
    const n = Number(digits);
    return { scale, small: neg && n !== 0 ? -n : n, big: null };
  }
  const b = BigInt(digits);
  return { scale, small: 0, big: neg ? -b : b };
}
var DecimalSum = class {
  scale = 0;
  small = 0;
  big = 0n;
  add(a) {
    if (a.scale > this.scale) this.rescale(a.scale);
    const d = this.scale - a.scale;
    if (a.big !== null) {
      this.big += d === 0 ? a.big : a.big * 10n ** BigInt(d);
      return;
    }
    let m = a.small;
    if (d > 0) {
      const p = POW102[d];
      if (p === void 0 || Math.abs(m) * p > TWO_52) {
        this.big += BigInt(m) * 10n ** BigInt(d);
        return;
      }
      m *= p;
    }
    this.small += m;
    if (this.small >= TWO_52 || this.small <= -TWO_52) {
      this.big += BigInt(this.small);
      this.small = 0;
    }
  }
  rescale(scale) {
    this.big = (this.big + BigInt(this.small)) * 10n ** BigInt(scale - this.scale);
    this.small = 0;
    this.scale = scale;
  }
  /** The sum as units × 10^-scale (to send to another thread and add there with addUnits). */
  units() {
    return { units: this.big + BigInt(this.small), scale: this.scale };
  }
  /** Add a sum given as units × 10^-scale (another DecimalSum's units()). */
  addUnits(units, scale) {
    if (scale > this.scale) this.rescale(scale);
    this.big += units * 10n ** BigInt(this.scale - scale);
  }
  /** The sum as a plain decimal string with exactly `scale` fraction digits. */
  toString() {
    return unitsToDecimal(this.big + BigInt(this.small), this.scale);
  }
};
function unitsToDecimal(units, scale) {
  const neg = units < 0n;
  let s = (neg ? -units : units).toString();
  if (scale === 0) return neg ? `-${s}` : s;
  if (s.length <= scale) s = "0".repeat(scale - s.length + 1) + s;
  return `${neg ? "-" : ""}${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
}
function fractionDigits(dec) {
  const dot = dec.indexOf(".");
  return dot < 0 ? 0 : dec.length - dot - 1;
}
function factorOf(value) {
  let text;
  if (typeof value === "number" && Number.isFinite(value)) text = String(value);
  else if (typeof value === "string" && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(value.trim())) text = value.trim();
  if (text === void 0) return "1";
  try {
    return plain(new big_default(text.replace(/^\+/, "")));
  } catch {
    return "1";
  }
}
function plain(b, dp) {
  const s = dp === void 0 ? b.toFixed() : b.toFixed(dp);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}
function scaledTotal(sum, factor, dp) {
  return plain(new big_default(sum).times(new big_default(factor)), dp);
}

// src/aggregate/aggregator.ts
var Bucket = class {
  sum = new DecimalSum();
  count = 0;
  title = void 0;
  /** The title lookup of the first transaction resource that fed this bucket. */
  lookup = void 0;
  add(a) {
    this.sum.add(a);
    this.count++;
  }
  state() {
    const { units, scale } = this.sum.units();
    return { units, scale, count: this.count, ...this.title !== void 0 && { title: this.title }, ...this.lookup !== void 0 && { lookup: this.lookup } };
  }
  /** Another bucket's sums; its title and lookup count only where this one has none (the first wins). */
  merge(s) {
    this.sum.addUnits(s.units, s.scale);
    this.count += s.count;
    this.title ??= s.title;
    this.lookup ??= s.lookup;
  }
};
function own(s) {
  return (" " + s).slice(1);
}
var PERIOD_CACHE = 1e5;
function textOf(field, value, cell) {
  if (value === null || value === void 0 || cell === void 0) return null;
  let s;
  if (value === INVALID) s = cell;
  else if (typeof value === "string") s = value;
  else if (typeof value === "number" || typeof value === "bigint") s = field?.decimal(cell) ?? String(value);
  else s = cell;
  return s === "" ? null : s;
}
var YEAR_MONTH = /^(\d{4})(?:-(0[1-9]|1[0-2])(?:-\d{2}(?:[T ][^]*)?)?)?$/;
function periodOf(value, type) {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 0 || value > 9999 || type !== "year" && type !== "integer") return null;
    return { year: String(value).padStart(4, "0"), month: null };
  }
  if (typeof value !== "string") return null;
  const m = YEAR_MONTH.exec(value);
  if (m === null) return null;
  const year = m[1];
  return { year, month: m[2] === void 0 ? null : `${year}-${m[2]}` };
}
function createAggregator(plan) {
  const total = new Bucket();
  let skipped = 0;
  let scale = 0;
  const years = /* @__PURE__ */ new Map();
  const months = /* @__PURE__ */ new Map();
  const undated = new Bucket();
  const dims = new Map(
    plan.dimensions.map((d) => [d, { buckets: /* @__PURE__ */ new Map(), unassigned: new Bucket() }])
  );
  const titles = plan.lookups.map(() => /* @__PURE__ */ new Map());
  const bucketOf = (map, key) => {
    let b = map.get(key);
    if (b === void 0) {
      b = new Bucket();
      map.set(own(key), b);
    }
    return b;
  };
  const periodBuckets = (value, type) => {
    const p = periodOf(value, type);
    return p === null ? null : { year: bucketOf(years, p.year), month: p.month === null ? null : bucketOf(months, p.month) };
  };
  function transactionObserver(source) {
    let amountIdx = -1;
    let amountField;
    let dateIdx = -1;
    let dateType = "";
    const periods = /* @__PURE__ */ new Map();
    let lastDate = void 0;
    let lastPeriod = null;
    let dimIdx = [];
    const unassignedHere = plan.dimensions.filter((d) => !source.dimensions.some((s) => s.name === d)).map((d) => dims.get(d).unassigned);
    return {
      start(fields) {
        const at = (name) => name === void 0 ? -1 : fields.findIndex((f) => f.name === name);
        amountIdx = at(source.amount);
        amountField = fields[amountIdx];
        dateIdx = at(source.date);
        dateType = fields[dateIdx]?.type ?? "";
        dimIdx = source.dimensions.map((d) => {
          const id = at(d.id);
          const title = d.title !== void 0 && "field" in d.title ? at(d.title.field) : -1;
          return {
            id,
            idField: fields[id],
            title,
            titleField: fields[title],
            lookup: d.title !== void 0 && "lookup" in d.title ? d.title.lookup : void 0,
            target: dims.get(d.name),
            lastId: null,
            lastBucket: null
          };
        });
      },
      row(values, cells) {
        const cell = amountIdx < 0 ? void 0 : cells[amountIdx];
        const dec = cell === void 0 || amountField === void 0 ? null : amountField.decimal(cell);
        const amount = dec === null ? null : parseAmount(dec);
        if (amount === null) {
          skipped++;
          return;
        }
        if (amount.scale > scale) scale = amount.scale;
        total.add(amount);
        const date = dateIdx < 0 ? null : values[dateIdx];
        let period = lastPeriod;
        if (date !== lastDate) {
          const cached = periods.get(date);
          if (cached !== void 0) period = cached;
          else {
            period = periodBuckets(date, dateType);
            if (periods.size < PERIOD_CACHE) periods.set(typeof date === "string" ? own(date) : date, period);
          }
          lastDate = date;
          lastPeriod = period;
        }
        if (period === null) undated.add(amount);
        else {
          period.year.add(amount);
          period.month?.add(amount);
        }
        for (const d of dimIdx) {
          const id = d.id < 0 ? null : textOf(d.idField, values[d.id], cells[d.id]);
          if (id === null) {
            d.target.unassigned.add(amount);
            continue;
          }
          let b = d.lastBucket;
          if (b === null || id !== d.lastId) {
            b = bucketOf(d.target.buckets, id);
            d.lastId = id;
            d.lastBucket = b;
          }
          b.add(amount);
          if (b.title === void 0 && d.title >= 0) {
            const t = textOf(d.titleField, values[d.title], cells[d.title]);
            if (t !== null) b.title = own(t);
          }
          if (b.lookup === void 0 && d.lookup !== void 0) b.lookup = d.lookup;
        }
        for (const u of unassignedHere) u.add(amount);
      }
    };
  }
  function lookupObserver(index) {
    const { key, title } = plan.lookups[index];
    const map = titles[index];
    let k = -1;
    let t = -1;
    let kField;
    let tField;
    return {
      start(fields) {
        k = fields.findIndex((f) => f.name === key);
        t = fields.findIndex((f) => f.name === title);
        kField = fields[k];
        tField = fields[t];
      },
      row(values, cells) {
        if (k < 0 || t < 0) return;
        const id = textOf(kField, values[k], cells[k]);
        if (id === null || map.has(id)) return;
        const text = textOf(tField, values[t], cells[t]);
        if (text !== null) map.set(own(id), own(text));
      }
    };
  }
  return {
    observers(resource) {
      const out = [];
      for (const source of plan.transactions) if (source.resource === resource.name) out.push(transactionObserver(source));
      plan.lookups.forEach((l, i) => {
        if (l.resource === resource.name) out.push(lookupObserver(i));
      });
      return out.length ? out : void 0;
    },
    state() {
      const entries = (map) => [...map].map(([k, b]) => [k, b.state()]);
      return {
        total: total.state(),
        skipped,
        scale,
        years: entries(years),
        months: entries(months),
        undated: undated.state(),
        dimensions: plan.dimensions.map((name) => {
          const d = dims.get(name);
          return { buckets: entries(d.buckets), unassigned: d.unassigned.state() };
        }),
        titles: titles.map((map) => [...map])
      };
    },
    merge(s) {
      const into = (map, entries) => {
        for (const [k, b] of entries) bucketOf(map, k).merge(b);
      };
      total.merge(s.total);
      skipped += s.skipped;
      scale = Math.max(scale, s.scale);
      into(years, s.years);
      into(months, s.months);
      undated.merge(s.undated);
      plan.dimensions.forEach((name, i) => {
        const d = dims.get(name);
        const from = s.dimensions[i];
        into(d.buckets, from.buckets);
        d.unassigned.merge(from.unassigned);
      });
      s.titles.forEach((entries, i) => {
        const map = titles[i];
        for (const [id, title] of entries) if (!map.has(id)) map.set(id, title);
      });
    },
    result() {
      const dp = scale + fractionDigits(plan.factor);
      const t = (b) => ({ total: scaledTotal(b.sum.toString(), plan.factor, dp), count: b.count });
      const sorted = (map) => [...map].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
      const out = {
        package: plan.package,
        currency: plan.currency,
        factor: plan.factor,
        count: total.count,
        total: t(total).total,
        skipped,
        years: sorted(years).map(([year, b]) => ({ year, ...t(b) })),
        undated: t(undated),
        months: sorted(months).map(([month, b]) => ({ month, ...t(b) })),
        dimensions: plan.dimensions.map((name) => {
          const d = dims.get(name);
          return {
            name,
            rows: sorted(d.buckets).map(([id, b]) => ({
              id,
              title: b.title ?? (b.lookup === void 0 ? void 0 : titles[b.lookup].get(id)) ?? null,
              ...t(b)
            })),
            unassigned: t(d.unassigned)
          };
        })
      };
      if (plan.title !== void 0) out.title = plan.title;
      return out;
    }
  };
}

// src/package/mapping.ts
var import_picomatch = __toESM(require_picomatch2(), 1);

// src/validate/problem.ts
var CELL_LIMIT = 120;
function truncateCell(value) {
  return value.length > CELL_LIMIT ? `${value.slice(0, CELL_LIMIT)}…` : value;
}
function problem(code, message, extra = {}) {
  const p = { code, severity: extra.severity ?? "error", message, ...extra };
  p.severity = extra.severity ?? "error";
  if (p.cell !== void 0) p.cell = truncateCell(p.cell);
  return p;
}
function pointerToken(token) {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}
function pointerOf(...tokens) {
  return tokens.map((t) => `/${pointerToken(t)}`).join("");
}

// src/package/mapping.ts
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function asList(value) {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v) => typeof v === "string");
  return [];
}
function resourcesOf(pkg) {
  const out = [];
  const list = isObject(pkg) ? pkg.resources : void 0;
  if (!Array.isArray(list)) return out;
  for (const r of list) {
    if (isObject(r) && typeof r.name === "string") out.push({ name: r.name, res: r });
  }
  return out;
}
function fieldNamesOf(res) {
  const schema = res?.schema;
  if (!isObject(schema) || !Array.isArray(schema.fields)) return [];
  const names = [];
  for (const f of schema.fields) if (isObject(f) && typeof f.name === "string" && !names.includes(f.name)) names.push(f.name);
  return names;
}
function foreignKeysOf(res) {
  const schema = res?.schema;
  if (!isObject(schema) || !Array.isArray(schema.foreignKeys)) return [];
  const out = [];
  for (const fk of schema.foreignKeys) {
    if (!isObject(fk) || !isObject(fk.reference) || typeof fk.reference.resource !== "string") continue;
    out.push({ fields: asList(fk.fields), resource: fk.reference.resource, refFields: asList(fk.reference.fields) });
  }
  return out;
}
var quoteList = (names) => names.length ? names.map((n) => `"${n}"`).join(", ") : "(none)";
function splitReference(ref) {
  const slash = ref.indexOf("/");
  return slash < 0 ? { field: ref } : { glob: ref.slice(0, slash), field: ref.slice(slash + 1) };
}
function globMatcher(glob) {
  if (glob.includes("..")) {
    return `the resource part "${glob}" contains ".."; it is matched against resource names, not paths: use a name or a glob such as "budget-*"`;
  }
  if (/^[a-zA-Z]:/.test(glob) || glob.startsWith("\\")) {
    return `the resource part "${glob}" looks like an absolute path; it is matched against resource names: use a name or a glob such as "budget-*"`;
  }
  if (glob.length > 256) return `the resource part is ${glob.length} characters long; resource names and globs are at most 256`;
  try {
    const isMatch = (0, import_picomatch.default)(glob, { dot: true, nonegate: true, noextglob: true });
    return (name) => isMatch(name);
  } catch (e) {
    return `the resource part "${glob}" is not a valid glob (${e instanceof Error ? e.message : String(e)})`;
  }
}
function resolveMappingReference(ref, pkg, mappedResources) {
  if (typeof ref !== "string" || ref.trim() === "") {
    return { refs: [], error: 'the reference is empty; write "{resource}/{field}"' };
  }
  const resources = resourcesOf(pkg);
  const byName = new Map(resources.map((r) => [r.name, r.res]));
  const { glob, field } = splitReference(ref);
  if (glob !== void 0) {
    if (glob === "") {
      return { refs: [], error: `"${ref}" starts with "/"; write "{resource}/{field}" with a resource name (or glob) first` };
    }
    if (field === "") return { refs: [], error: `"${ref}" has no field after "/"; write "{resource}/{field}"` };
    const matcher = globMatcher(glob);
    if (typeof matcher === "string") return { refs: [], error: matcher };
    const matched = resources.filter((r) => matcher(r.name));
    if (matched.length === 0) {
      return {
        refs: [],
        error: `no resource matches "${glob}"; the resources are ${quoteList(resources.map((r) => r.name))}`
      };
    }
    const refs2 = matched.filter((r) => fieldNamesOf(r.res).includes(field)).map((r) => ({ resource: r.name, field }));
    if (refs2.length === 0) {
      if (matched.length === 1) {
        const only = matched[0];
        return { refs: [], error: `resource "${only.name}" has no field "${field}"; its fields are ${quoteList(fieldNamesOf(only.res))}` };
      }
      const listing = matched.map((r) => `"${r.name}" has ${quoteList(fieldNamesOf(r.res))}`).join("; ");
      return { refs: [], error: `none of the resources matching "${glob}" has a field "${field}": ${listing}` };
    }
    return { refs: refs2 };
  }
  const refs = [];
  const targets = /* @__PURE__ */ new Map();
  const seen = /* @__PURE__ */ new Set();
  for (const mapped of mappedResources) {
    const res = byName.get(mapped);
    for (const fk of foreignKeysOf(res)) {
      const target = fk.resource === "" ? mapped : fk.resource;
      const key = `${mapped}[${fk.fields.join(",")}]->${target}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const targetRes = byName.get(target);
      const fields = targetRes ? fieldNamesOf(targetRes) : void 0;
      const entry = targets.get(target) ?? { via: [], fields };
      entry.via.push(`"${mapped}".${fk.fields.length === 1 ? fk.fields[0] : `(${fk.fields.join(", ")})`}`);
      targets.set(target, entry);
      if (fields?.includes(field)) refs.push({ resource: target, field, via: { resource: mapped, fields: fk.fields } });
    }
  }
  if (refs.length > 0) return { refs };
  const reachable = [...targets].map(
    ([target, { via, fields }]) => fields === void 0 ? `"${target}" (from ${via.join(", ")}) is not in this package` : `"${target}" (from ${via.join(", ")}) has ${quoteList(fields)}`
  );
  const holders = resources.filter((r) => fieldNamesOf(r.res).includes(field)).map((r) => r.name);
  const hint = holders.length ? ` ${holders.map((h) => `"${h}/${field}"`).join(" or ")} would name it directly${holders.some((h) => !mappedResources.includes(h)) ? " (or add a foreign key to that resource)" : ""}.` : "";
  if (mappedResources.length === 0) {
    return {
      refs: [],
      error: `the bare field "${field}" can only be reached through a foreign key of a resource the mapping names as "{resource}/{field}", and the mapping names none; write "{resource}/${field}".${hint}`
    };
  }
  if (targets.size === 0) {
    return {
      refs: [],
      error: `the bare field "${field}" must be reached through a foreign key, but the mapped resources (${quoteList(mappedResources)}) have no foreign key to a resource of this package; write "{resource}/${field}".${hint}`
    };
  }
  return {
    refs: [],
    error: `the bare field "${field}" is not in any resource reached through a foreign key of the mapped resources: ${reachable.join("; ")}.${hint}`
  };
}
function mappingReferences(mapping) {
  const out = [];
  if (!isObject(mapping)) return out;
  const addAttrs = (attrs, model, prefix, namePrefix) => {
    if (!isObject(attrs)) return;
    for (const [attribute, refs] of Object.entries(attrs)) {
      if (!Array.isArray(refs)) continue;
      refs.forEach((ref, i) => {
        if (typeof ref === "string") {
          out.push({ pointer: pointerOf("mapping", model, ...prefix, attribute, i), model, attribute: `${namePrefix}${attribute}`, ref });
        }
      });
    }
  };
  for (const model of ["transaction", "project"]) {
    const m = mapping[model];
    if (isObject(m)) addAttrs(m.attributes, model, ["attributes"], "");
  }
  for (const model of ["entity", "taxonomy"]) {
    const m = mapping[model];
    if (!isObject(m) || !isObject(m.attributes)) continue;
    for (const [kind, attrs] of Object.entries(m.attributes)) addAttrs(attrs, model, ["attributes", kind], `${kind}.`);
  }
  return out;
}
function resolveMapping(pkg) {
  if (!isObject(pkg.mapping)) return [];
  const all = mappingReferences(pkg.mapping);
  const out = /* @__PURE__ */ new Map();
  const mapped = /* @__PURE__ */ new Set();
  for (const r of all) {
    if (splitReference(r.ref).glob === void 0) continue;
    const result = resolveMappingReference(r.ref, pkg, []);
    for (const x of result.refs) mapped.add(x.resource);
    out.set(r, { ...r, ...result });
  }
  const mappedList = [...mapped];
  for (const r of all) if (!out.has(r)) out.set(r, { ...r, ...resolveMappingReference(r.ref, pkg, mappedList) });
  return all.map((r) => out.get(r));
}

// src/aggregate/plan.ts
var DIMENSIONS = ["functional", "economic", "administrative", "payer", "payee", "project"];
var isObject2 = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
function attributesOf(name) {
  if (name === "project") return ["project", "id", "title"];
  if (name === "payer" || name === "payee") return ["entity", `${name}.id`, `${name}.title`];
  return ["taxonomy", `${name}.id`, `${name}.title`];
}
function planOrReason(descriptor) {
  if (!isObject2(descriptor) || !isObject2(descriptor.mapping)) return { reason: 'it has no "mapping"' };
  const transaction = descriptor.mapping.transaction;
  if (!isObject2(transaction)) return { reason: 'its mapping has no "transaction"' };
  const resolved = resolveMapping(descriptor);
  const refsOf = (model, attribute) => resolved.filter((r) => r.model === model && r.attribute === attribute).flatMap((r) => r.refs);
  const resources = /* @__PURE__ */ new Map();
  if (Array.isArray(descriptor.resources)) {
    for (const r of descriptor.resources) if (isObject2(r) && typeof r.name === "string" && !resources.has(r.name)) resources.set(r.name, r);
  }
  const amounts = /* @__PURE__ */ new Map();
  for (const ref of refsOf("transaction", "amount")) {
    if (ref.via === void 0 && !amounts.has(ref.resource)) amounts.set(ref.resource, ref.field);
  }
  if (amounts.size === 0) {
    return { reason: 'mapping.transaction.attributes.amount does not name a field of one of its resources ("{resource}/{field}")' };
  }
  const lookups = [];
  const lookupIndex = (l) => {
    const i = lookups.findIndex((x) => x.resource === l.resource && x.key === l.key && x.title === l.title);
    if (i >= 0) return i;
    lookups.push(l);
    return lookups.length - 1;
  };
  const dateRefs = refsOf("transaction", "date");
  const used = /* @__PURE__ */ new Set();
  const transactions = [];
  for (const [resource, amount] of amounts) {
    const res = resources.get(resource);
    const fields = fieldNamesOf(res);
    const fks = foreignKeysOf(res).filter((fk) => fk.fields.length === 1 && fk.refFields.length === 1 && fk.resource !== "" && fk.resource !== resource);
    const referenced = (field, target) => fks.find((fk) => fk.fields[0] === field && fk.resource === target)?.refFields[0];
    const date = dateRefs.find((r) => r.resource === resource && r.via === void 0)?.field;
    const dimensions = [];
    for (const name of DIMENSIONS) {
      const [model, idAttr, titleAttr] = attributesOf(name);
      let id;
      for (const ref of refsOf(model, idAttr)) {
        if (ref.resource === resource && ref.via === void 0) id = ref.field;
        else if (ref.via === void 0) id = fks.find((fk) => fk.resource === ref.resource && fk.refFields[0] === ref.field)?.fields[0];
        if (id !== void 0) break;
      }
      if (id === void 0 || !fields.includes(id)) continue;
      let title;
      for (const ref of refsOf(model, titleAttr)) {
        if (ref.resource === resource && ref.via === void 0) title = { field: ref.field };
        else if (ref.via === void 0 || ref.via.resource === resource && ref.via.fields.length === 1 && ref.via.fields[0] === id) {
          const key = referenced(id, ref.resource);
          if (key !== void 0) title = { lookup: lookupIndex({ resource: ref.resource, key, title: ref.field }) };
        }
        if (title !== void 0) break;
      }
      dimensions.push(title === void 0 ? { name, id } : { name, id, title });
      used.add(name);
    }
    transactions.push(date === void 0 ? { resource, amount, dimensions } : { resource, amount, date, dimensions });
  }
  const value = isObject2(transaction.value) ? transaction.value : {};
  const plan = {
    package: typeof descriptor.name === "string" ? descriptor.name : "",
    currency: typeof value.currency === "string" ? value.currency : null,
    factor: factorOf(value.factor),
    dimensions: DIMENSIONS.filter((d) => used.has(d)),
    transactions,
    lookups
  };
  if (typeof descriptor.title === "string" && descriptor.title.trim() !== "") plan.title = descriptor.title;
  return { plan };
}

// src/package/profiles.ts
function isObject3(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function profileShortName(name) {
  let n = name.trim().toLowerCase();
  n = n.replace(/[?#].*$/, "");
  const slash = n.lastIndexOf("/");
  if (slash >= 0) n = n.slice(slash + 1);
  n = n.replace(/\.json$/, "").replace(/[-_]data[-_]package$/, "");
  return n;
}
function declaredProfiles(raw) {
  if (!isObject3(raw)) return [];
  const names = [];
  if (typeof raw.profile === "string") names.push(raw.profile);
  const profiles = raw.profiles;
  if (typeof profiles === "string") names.push(profiles);
  else if (Array.isArray(profiles)) {
    for (const p of profiles) if (typeof p === "string") names.push(p);
  } else if (isObject3(profiles)) names.push(...Object.keys(profiles));
  return names.map(profileShortName);
}
function hasMeasuresOrDimensions(value) {
  return isObject3(value) && ("measures" in value || "dimensions" in value);
}
function detectProfile(raw) {
  const declared = new Set(declaredProfiles(raw));
  const openspending = declared.has("openspending");
  let everyResourceHasSchema = false;
  let fiscalShape = false;
  if (isObject3(raw)) {
    const resources = raw.resources;
    everyResourceHasSchema = Array.isArray(resources) && resources.length > 0 && resources.every((r) => isObject3(r) && (isObject3(r.schema) || typeof r.schema === "string"));
    fiscalShape = hasMeasuresOrDimensions(raw.model) || hasMeasuresOrDimensions(raw.mapping);
  }
  const tabular = declared.has("tabular") || openspending || everyResourceHasSchema;
  const fiscal = declared.has("fiscal") || fiscalShape;
  const kind = openspending ? "openspending" : fiscal ? "fiscal" : tabular ? "tabular" : "data-package";
  return { kind, openspending, tabular, fiscal };
}

// src/package/codes/cofog.ts
var COFOG_TITLES = /* @__PURE__ */ new Map([
  ["01", "General public services"],
  ["01.1", "Executive and legislative organs, financial and fiscal affairs, external affairs"],
  ["01.2", "Foreign economic aid"],
  ["01.3", "General services"],
  ["01.4", "Basic research"],
  ["01.5", "R&D General public services"],
  ["01.6", "General public services n.e.c."],
  ["01.7", "Public debt transactions"],
  ["01.8", "Transfers of a general character between different levels of government"],
  ["02", "Defence"],
  ["02.1", "Military defence"],
  ["02.2", "Civil defence"],
  ["02.3", "Foreign military aid"],
  ["02.4", "R&D Defence"],
  ["02.5", "Defence n.e.c."],
  ["03", "Public order and safety"],
  ["03.1", "Police services"],
  ["03.2", "Fire-protection services"],
  ["03.3", "Law courts"],
  ["03.4", "Prisons"],
  ["03.5", "R&D Public order and safety"],
  ["03.6", "Public order and safety n.e.c."],
  ["04", "Economic affairs"],
  ["04.1", "General economic, commercial and labour affairs"],
  ["04.2", "Agriculture, forestry, fishing and hunting"],
  ["04.3", "Fuel and energy"],
  ["04.4", "Mining, manufacturing and construction"],
  ["04.5", "Transport"],
  ["04.6", "Communication"],
  ["04.7", "Other industries"],
  ["04.8", "R&D Economic affairs"],
  ["04.9", "Economic affairs n.e.c."],
  ["05", "Environmental protection"],
  ["05.1", "Waste management"],
  ["05.2", "Waste water management"],
  ["05.3", "Pollution abatement"],
  ["05.4", "Protection of biodiversity and landscape"],
  ["05.5", "R&D Environmental protection"],
  ["05.6", "Environmental protection n.e.c."],
  ["06", "Housing and community amenities"],
  ["06.1", "Housing development"],
  ["06.2", "Community development"],
  ["06.3", "Water supply"],
  ["06.4", "Street lighting"],
  ["06.5", "R&D Housing and community amenities"],
  ["06.6", "Housing and community amenities n.e.c."],
  ["07", "Health"],
  ["07.1", "Medical products, appliances and equipment"],
  ["07.2", "Outpatient services"],
  ["07.3", "Hospital services"],
  ["07.4", "Public health services"],
  ["07.5", "R&D Health"],
  ["07.6", "Health n.e.c."],
  ["08", "Recreation, culture and religion"],
  ["08.1", "Recreational and sporting services"],
  ["08.2", "Cultural services"],
  ["08.3", "Broadcasting and publishing services"],
  ["08.4", "Religious and other community services"],
  ["08.5", "R&D Recreation, culture and religion"],
  ["08.6", "Recreation, culture and religion n.e.c."],
  ["09", "Education"],
  ["09.1", "Pre-primary and primary education"],
  ["09.2", "Secondary education"],
  ["09.3", "Post-secondary non-tertiary education"],
  ["09.4", "Tertiary education"],
  ["09.5", "Education not definable by level"],
  ["09.6", "Subsidiary services to education"],
  ["09.7", "R&D Education"],
  ["09.8", "Education n.e.c."],
  ["10", "Social protection"],
  ["10.1", "Sickness and disability"],
  ["10.2", "Old age"],
  ["10.3", "Survivors"],
  ["10.4", "Family and children"],
  ["10.5", "Unemployment"],
  ["10.6", "Housing"],
  ["10.7", "Social exclusion n.e.c."],
  ["10.8", "R&D Social protection"],
  ["10.9", "Social protection n.e.c."]
]);
var SUBDIVIDED = {
  "01.1": 3,
  // executive and legislative organs; financial and fiscal affairs; external affairs
  "01.2": 2,
  // economic aid to developing countries ...; economic aid routed through international organizations
  "01.3": 3,
  // general personnel services; overall planning and statistical services; other general services
  "04.1": 2,
  // general economic and commercial affairs; general labour affairs
  "04.2": 3,
  // agriculture; forestry; fishing and hunting
  "04.3": 6,
  // coal ...; petroleum and natural gas; nuclear fuel; other fuels; electricity; non-electric energy
  "04.4": 3,
  // mining of mineral resources other than fuels; manufacturing; construction
  "04.5": 5,
  // road; water; railway; air; pipeline and other transport
  "04.7": 4,
  // distributive trades, storage and warehousing; hotels and restaurants; tourism; multi-purpose projects
  "04.8": 7,
  // R&D for each of 04.1 ... 04.7
  "07.1": 3,
  // pharmaceutical products; other medical products; therapeutic appliances and equipment
  "07.2": 4,
  // general medical; specialized medical; dental; paramedical services
  "07.3": 4,
  // general hospital; specialized hospital; medical and maternity centre; nursing and convalescent home
  "09.1": 2,
  // pre-primary; primary
  "09.2": 2,
  // lower-secondary; upper-secondary
  "09.4": 2,
  // first stage of tertiary; second stage of tertiary
  "10.1": 2
  // sickness; disability
};
function classesOf(group) {
  const n = SUBDIVIDED[group];
  if (n === void 0) return [`${group}.0`];
  return Array.from({ length: n }, (_, i) => `${group}.${i + 1}`);
}
var COFOG_CODES = new Set(
  [...COFOG_TITLES.keys()].flatMap((code) => code.includes(".") ? [code, ...classesOf(code)] : [code])
);
function cofogCanonical(value) {
  const m = /^\s*(\d{1,2})((?:\.\d)*)\.?\s*$/.exec(value);
  if (!m) return void 0;
  const code = `${m[1].padStart(2, "0")}${m[2] ?? ""}`;
  return COFOG_CODES.has(code) ? code : void 0;
}

// src/validate/mapped-values.ts
function mappedValueObservers(descriptor, sink) {
  const cofogFields = /* @__PURE__ */ new Map();
  for (const r of resolveMapping(descriptor)) {
    if (r.model !== "taxonomy" || r.attribute !== "functional.cofog") continue;
    for (const x of r.refs) {
      const set = cofogFields.get(x.resource) ?? /* @__PURE__ */ new Set();
      set.add(x.field);
      cofogFields.set(x.resource, set);
    }
  }
  return (resource) => {
    const fields = cofogFields.get(resource.name);
    return fields ? [...fields].map((field) => cofogObserver(resource, field, sink)) : [];
  };
}
function cofogObserver(resource, field, sink) {
  let index = -1;
  const path = Array.isArray(resource.path) ? resource.path[0] : resource.path;
  return {
    start(fields) {
      index = fields.findIndex((f) => f.name === field);
    },
    row(_values, cells, rowNumber, lineNumber) {
      const cell = cells[index];
      if (index < 0 || cell === void 0 || cell.trim() === "") return;
      const code = cofogCanonical(cell);
      if (code === cell) return;
      const at = { resource: resource.name, path, rowNumber, lineNumber, fieldName: field, fieldNumber: index + 1, cell };
      if (code === void 0) {
        sink.add(problem("mapping-error", `row ${rowNumber} (line ${lineNumber}), field "${field}": "${cell}" is not a COFOG code, and the functional taxonomy maps this field as COFOG; use a code such as "05.1" (division.group.class)`, at));
      } else {
        sink.add(problem("mapping-error", `row ${rowNumber} (line ${lineNumber}), field "${field}": COFOG "${cell}" is read as "${code}"; write it so`, { ...at, severity: "warning" }));
      }
    }
  };
}

// src/validate/report.ts
var ProblemSink = class {
  constructor(maxPerResource, strict = false) {
    this.maxPerResource = maxPerResource;
    this.strict = strict;
  }
  maxPerResource;
  strict;
  errors = [];
  warnings = [];
  listed = /* @__PURE__ */ new Map();
  counted = /* @__PURE__ */ new Map();
  /** Record a problem; in strict mode warnings become errors. */
  add(p) {
    if (this.strict && p.severity === "warning") p = { ...p, severity: "error" };
    const key = p.resource ?? "";
    const count = this.countsOf(key);
    if (p.severity === "error") count.errors++;
    else count.warnings++;
    const listed = this.listed.get(key) ?? 0;
    if (listed >= this.maxPerResource) {
      count.truncated = true;
      return;
    }
    this.listed.set(key, listed + 1);
    (p.severity === "error" ? this.errors : this.warnings).push(p);
  }
  addAll(ps) {
    for (const p of ps) this.add(p);
  }
  /** Counts for one resource ('' for the descriptor). */
  countsOf(resource) {
    let c = this.counted.get(resource);
    if (!c) {
      c = { errors: 0, warnings: 0, truncated: false };
      this.counted.set(resource, c);
    }
    return c;
  }
  /** What this sink holds, as plain data (to hand to another thread's sink with absorb). */
  snapshot() {
    return { errors: [...this.errors], warnings: [...this.warnings], counts: [...this.counted].map(([key, c]) => [key, { ...c }]) };
  }
  /**
   * Take in another sink's problems (its snapshot) as if they had been added here: the listed
   * ones are listed (up to this sink's cap), the rest counted.
   */
  absorb(other) {
    const listed = /* @__PURE__ */ new Map();
    for (const p of [...other.errors, ...other.warnings]) {
      const key = p.resource ?? "";
      const l = listed.get(key) ?? { errors: 0, warnings: 0 };
      if (p.severity === "error" || this.strict) l.errors++;
      else l.warnings++;
      listed.set(key, l);
      this.add(p);
    }
    for (const [key, c] of other.counts) {
      const mine = this.countsOf(key);
      const l = listed.get(key) ?? { errors: 0, warnings: 0 };
      mine.errors += c.errors - l.errors;
      mine.warnings += c.warnings - l.warnings;
      if (c.truncated) mine.truncated = true;
    }
  }
  get errorCount() {
    let n = 0;
    for (const c of this.counted.values()) n += c.errors;
    return n;
  }
  get warningCount() {
    let n = 0;
    for (const c of this.counted.values()) n += c.warnings;
    return n;
  }
};

// src/validate/table/table.ts
import { createHash } from "node:crypto";

// src/validate/table/csv.ts
function dialectOf(d) {
  return {
    delimiter: d?.delimiter ?? ",",
    quoteChar: d?.quoteChar === void 0 ? '"' : d.quoteChar === "" ? null : d.quoteChar,
    doubleQuote: d?.doubleQuote ?? true,
    escapeChar: d?.escapeChar ? d.escapeChar : null,
    skipInitialSpace: d?.skipInitialSpace ?? false,
    header: d?.header ?? true,
    commentChar: d?.commentChar ? d.commentChar : null
  };
}
var MAX_CELLS = 1e5;
var LF = 10;
var CR = 13;
var SPACE = 32;
var CsvParser = class {
  constructor(dialect, onRecord, maxRecordChars = 64 * 1024 * 1024, bytesAsLatin1 = false) {
    this.onRecord = onRecord;
    this.maxRecordChars = maxRecordChars;
    this.bytesAsLatin1 = bytesAsLatin1;
    this.delim = dialect.delimiter.charCodeAt(0);
    this.quote = dialect.quoteChar === null ? -1 : dialect.quoteChar.charCodeAt(0);
    this.escape = dialect.escapeChar === null ? -1 : dialect.escapeChar.charCodeAt(0);
    this.comment = dialect.commentChar === null ? -1 : dialect.commentChar.charCodeAt(0);
    this.doubleQuote = dialect.doubleQuote;
    this.skipInitialSpace = dialect.skipInitialSpace;
  }
  onRecord;
  maxRecordChars;
  bytesAsLatin1;
  delim;
  quote;
  escape;
  comment;
  doubleQuote;
  skipInitialSpace;
  state = 0 /* CellStart */;
  cells = [];
  /** The current cell's text accumulated from previous chunks. */
  partial = "";
  /** Whether the current record has any content yet (cells, or chars of the first cell). */
  recordStarted = false;
  line = 1;
  recordLine = 1;
  afterCrInCell = false;
  high = false;
  /** The physical line the parser is on (1-based). */
  get currentLine() {
    return this.line;
  }
  /** Feed the next chunk of decoded text. */
  push(text) {
    const n = text.length;
    const delim = this.delim;
    const quote2 = this.quote;
    const escape = this.escape;
    const onRecord = this.onRecord;
    let state = this.state;
    let cells = this.cells;
    let partial = this.partial;
    let started = this.recordStarted;
    let line = this.line;
    let recordLine = this.recordLine;
    let afterCrInCell = this.afterCrInCell;
    let high = this.high;
    const latin1 = this.bytesAsLatin1;
    let start = 0;
    let i = 0;
    const comment = this.comment;
    const plainStart = !this.skipInitialSpace;
    while (i < n) {
      if (state === 0 /* CellStart */ && plainStart) {
        let c = text.charCodeAt(i);
        if (!started) {
          recordLine = line;
          if (c === comment && cells.length === 0) {
            state = 7 /* Comment */;
            i++;
            continue;
          }
        }
        let j = i;
        let cell;
        if (c === quote2) {
          j = i + 1;
          let lines = 0;
          let cr = false;
          for (; j < n; j++) {
            c = text.charCodeAt(j);
            if (c === quote2 || c === escape) break;
            if (c === LF) {
              if (!cr) lines++;
              cr = false;
            } else if (c === CR) {
              lines++;
              cr = true;
            } else {
              cr = false;
              if (c > 127) high = true;
            }
          }
          if (j + 1 >= n || c === escape || text.charCodeAt(j + 1) === quote2) {
            high = false;
            state = 2 /* Quoted */;
            started = true;
            i++;
            start = i;
            continue;
          }
          c = text.charCodeAt(j + 1);
          if (c !== delim && c !== LF && c !== CR) {
            high = false;
            state = 2 /* Quoted */;
            started = true;
            i++;
            start = i;
            continue;
          }
          cell = text.slice(i + 1, j);
          line += lines;
          j++;
        } else {
          while (j < n) {
            c = text.charCodeAt(j);
            if (c === delim || c === LF || c === CR || c === escape) break;
            if (c > 127) high = true;
            j++;
          }
          if (j === n || c === escape) {
            high = false;
            state = 1 /* Unquoted */;
            start = i;
            continue;
          }
          cell = text.slice(i, j);
        }
        if (high) {
          if (latin1) cell = utf8Of(cell);
          high = false;
        }
        cells.push(cell);
        i = j + 1;
        if (c === delim) {
          started = true;
          if (cells.length > MAX_CELLS) throw new RecordTooLongError(recordLine, this.maxRecordChars);
          continue;
        }
        const record = cells;
        cells = [];
        started = false;
        if (c === LF) line++;
        else state = 6 /* AfterCr */;
        onRecord(record, recordLine);
        continue;
      }
      switch (state) {
        case 0 /* CellStart */: {
          const c = text.charCodeAt(i);
          if (!started) {
            recordLine = line;
            if (c === this.comment && cells.length === 0) {
              state = 7 /* Comment */;
              i++;
              continue;
            }
          }
          if (c === quote2) {
            started = true;
            state = 2 /* Quoted */;
            i++;
            start = i;
            continue;
          }
          if (c === SPACE && this.skipInitialSpace) {
            i++;
            continue;
          }
          start = i;
          state = 1 /* Unquoted */;
          continue;
        }
        case 1 /* Unquoted */: {
          let j = i;
          let d = 0;
          while (j < n) {
            d = text.charCodeAt(j);
            if (d === delim || d === LF || d === CR || d === escape) break;
            if (d > 127) high = true;
            j++;
          }
          if (j > i) started = true;
          if (j === n) {
            partial += text.slice(start, n);
            if (partial.length > this.maxRecordChars) throw new RecordTooLongError(recordLine, this.maxRecordChars);
            i = n;
            break;
          }
          if (d === escape) {
            partial += text.slice(start, j);
            state = 5 /* EscapeInUnquoted */;
            i = j + 1;
            start = i;
            continue;
          }
          let cell = partial === "" ? text.slice(start, j) : partial + text.slice(start, j);
          partial = "";
          if (high) {
            if (latin1) cell = utf8Of(cell);
            high = false;
          }
          i = j + 1;
          start = i;
          if (d === delim) {
            started = true;
            cells.push(cell);
            if (cells.length > MAX_CELLS) throw new RecordTooLongError(recordLine, this.maxRecordChars);
            state = 0 /* CellStart */;
            continue;
          }
          cells.push(cell);
          const record = cells;
          cells = [];
          started = false;
          if (d === LF) {
            line++;
            state = 0 /* CellStart */;
          } else state = 6 /* AfterCr */;
          onRecord(record, recordLine);
          continue;
        }
        case 2 /* Quoted */: {
          let j = i;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === quote2 || d === escape) break;
            if (d === LF) {
              if (!afterCrInCell) line++;
              afterCrInCell = false;
            } else if (d === CR) {
              line++;
              afterCrInCell = true;
            } else {
              afterCrInCell = false;
              if (d > 127) high = true;
            }
            j++;
          }
          partial += text.slice(start, j);
          if (partial.length > this.maxRecordChars) throw new RecordTooLongError(recordLine, this.maxRecordChars);
          if (j === n) {
            i = n;
            break;
          }
          afterCrInCell = false;
          state = text.charCodeAt(j) === quote2 && escape !== quote2 ? 3 /* QuoteInQuoted */ : 4 /* EscapeInQuoted */;
          i = j + 1;
          start = i;
          continue;
        }
        case 3 /* QuoteInQuoted */: {
          if (text.charCodeAt(i) === quote2 && this.doubleQuote) {
            partial += text[i];
            state = 2 /* Quoted */;
            i++;
            start = i;
            continue;
          }
          state = 1 /* Unquoted */;
          start = i;
          continue;
        }
        case 4 /* EscapeInQuoted */:
        case 5 /* EscapeInUnquoted */: {
          const c = text.charCodeAt(i);
          if (c === LF) line++;
          else if (c > 127) high = true;
          partial += text[i];
          state = state === 4 /* EscapeInQuoted */ ? 2 /* Quoted */ : 1 /* Unquoted */;
          i++;
          start = i;
          continue;
        }
        case 6 /* AfterCr */: {
          state = 0 /* CellStart */;
          line++;
          if (text.charCodeAt(i) === LF) {
            i++;
            start = i;
          }
          continue;
        }
        case 7 /* Comment */: {
          const j = nextLineBreak(text, i);
          if (j === n) {
            i = n;
            break;
          }
          state = text.charCodeAt(j) === CR ? 6 /* AfterCr */ : 0 /* CellStart */;
          if (text.charCodeAt(j) === LF) line++;
          i = j + 1;
          start = i;
          continue;
        }
      }
    }
    this.state = state;
    this.cells = cells;
    this.partial = partial;
    this.recordStarted = started;
    this.line = line;
    this.recordLine = recordLine;
    this.afterCrInCell = afterCrInCell;
    this.high = high;
  }
  /** Flush the last record (a file need not end with a line break). */
  end() {
    switch (this.state) {
      case 6 /* AfterCr */:
        this.line++;
        break;
      case 7 /* Comment */:
        break;
      case 0 /* CellStart */:
        if (this.recordStarted || this.cells.length > 0) this.endRecord("");
        break;
      default:
        this.endRecord(this.partial);
    }
    this.partial = "";
    this.state = 0 /* CellStart */;
  }
  endRecord(lastCell) {
    const cells = this.cells;
    cells.push(this.high && this.bytesAsLatin1 ? utf8Of(lastCell) : lastCell);
    this.high = false;
    this.cells = [];
    this.partial = "";
    this.recordStarted = false;
    this.onRecord(cells, this.recordLine);
  }
};
function utf8Of(bytes) {
  return Buffer.from(bytes, "latin1").toString("utf8");
}
function nextLineBreak(text, from) {
  const n = text.length;
  for (let j = from; j < n; j++) {
    const d = text.charCodeAt(j);
    if (d === LF || d === CR) return j;
  }
  return n;
}
var RecordTooLongError = class extends Error {
  constructor(line, limit) {
    super(
      `the record starting on line ${line} is longer than ${Math.round(limit / (1024 * 1024))} MiB or has more than ${MAX_CELLS} cells; look for a quote that is never closed`
    );
    this.line = line;
    this.limit = limit;
  }
  line;
  limit;
};

// src/validate/table/decode.ts
import { isUtf8 } from "node:buffer";
import { TextDecoder } from "node:util";
var UTF8_LABELS = /* @__PURE__ */ new Set(["utf-8", "utf8", "unicode-1-1-utf-8"]);
function isUtf8Label(encoding) {
  return encoding === void 0 || UTF8_LABELS.has(encoding.toLowerCase());
}
function createDecoder(encoding) {
  if (isUtf8Label(encoding)) return new StrictUtf8Decoder();
  let td;
  try {
    td = new TextDecoder(encoding);
  } catch {
    return null;
  }
  return {
    bytesAsLatin1: false,
    decode: (chunk) => withNuls(td.decode(chunk, { stream: true })),
    end: () => withNuls(td.decode())
  };
}
function withNuls(text) {
  const bad = [];
  let k = text.indexOf("\0");
  while (k !== -1) {
    bad.push({ index: k, byte: 0, nul: true });
    k = text.indexOf("\0", k + 1);
  }
  return { text, bad };
}
var StrictUtf8Decoder = class {
  bytesAsLatin1 = true;
  carry = Buffer.alloc(0);
  first = true;
  decode(chunk) {
    let buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.first && buf.length >= 3) {
      this.first = false;
      if (buf[0] === 239 && buf[1] === 187 && buf[2] === 191) buf = buf.subarray(3);
    } else if (this.first) {
      this.carry = Buffer.from(buf);
      return { text: "", bad: [] };
    }
    const cut = completeLength(buf);
    this.carry = Buffer.from(buf.subarray(cut));
    return decodeComplete(buf.subarray(0, cut));
  }
  end() {
    const rest = this.carry;
    this.carry = Buffer.alloc(0);
    if (this.first) {
      this.first = false;
      if (rest.length === 3 && rest[0] === 239 && rest[1] === 187 && rest[2] === 191) return { text: "", bad: [] };
    }
    return decodeComplete(rest);
  }
};
function completeLength(buf) {
  const n = buf.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = buf[n - k];
    if ((b & 192) === 128) continue;
    const need = b >= 240 ? 4 : b >= 224 ? 3 : b >= 192 ? 2 : 1;
    return need > k ? n - k : n;
  }
  return n;
}
function decodeComplete(buf) {
  const text = buf.toString("latin1");
  const valid = isUtf8(buf);
  if (valid && buf.indexOf(0) === -1) return { text, bad: [] };
  const bad = [];
  for (let k = buf.indexOf(0); k !== -1; k = buf.indexOf(0, k + 1)) bad.push({ index: k, byte: 0, nul: true });
  if (!valid) {
    for (let i = 0; i < buf.length; ) {
      const len = validSequenceLength(buf, i);
      if (len > 0) i += len;
      else {
        bad.push({ index: i, byte: buf[i], nul: false });
        i++;
      }
    }
    bad.sort((a, b) => a.index - b.index);
  }
  return { text, bad };
}
function validSequenceLength(buf, i) {
  const b0 = buf[i];
  if (b0 < 128) return 1;
  const cont = (k, lo = 128, hi = 191) => {
    const b = buf[i + k];
    return b !== void 0 && b >= lo && b <= hi;
  };
  if (b0 >= 194 && b0 <= 223) return cont(1) ? 2 : 0;
  if (b0 === 224) return cont(1, 160) && cont(2) ? 3 : 0;
  if (b0 === 237) return cont(1, 128, 159) && cont(2) ? 3 : 0;
  if (b0 >= 225 && b0 <= 239) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 240) return cont(1, 144) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 241 && b0 <= 243) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 244) return cont(1, 128, 143) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

// src/validate/table/key-set.ts
var KeySet = class {
  run = [];
  others = null;
  last;
  /** Add `key`; false when it was already there. */
  add(key) {
    if (typeof key === "object" || typeof key === "symbol" || typeof key === "function" || key === void 0 || typeof key === "number" && Number.isNaN(key)) {
      return this.addOther(key);
    }
    const k = key;
    const last = this.last;
    if (last === void 0 || typeof k === typeof last && k > last) {
      this.run.push(k);
      this.last = k;
      return true;
    }
    if (this.inRun(k)) return false;
    return this.addOther(k);
  }
  addOther(key) {
    this.others ??= /* @__PURE__ */ new Set();
    if (this.others.has(key)) return false;
    this.others.add(key);
    return true;
  }
  inRun(k) {
    const run = this.run;
    let lo = 0;
    let hi = run.length - 1;
    while (lo <= hi) {
      const mid = lo + hi >>> 1;
      const v = run[mid];
      if (typeof v !== typeof k) return false;
      if (v === k) return true;
      if (v < k) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
};

// src/validate/table/table.ts
function setKey(f, v) {
  return typeof v === "object" ? f.key(v) : v;
}
var KEY_SEP = "";
var LFS_SIGNATURE = "version https://git-lfs.github.com/spec/v1";
async function validateTable(parts, task) {
  if (parts.length === 0 && task.resource.data !== void 0) return validateInlineTable(task);
  const run = new TableRun(task);
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    const more = await run.readPart(part, k === 0);
    if (!more) break;
  }
  run.finish();
  return run.outcome();
}
function validateInlineTable(task) {
  const run = new TableRun(task);
  const data = task.resource.data;
  const ptr = pointerOf("resources", task.index, "data");
  if (!Array.isArray(data)) {
    run.report("source-error", `inline data must be an array of rows; fix ${ptr}`, { pointer: ptr });
  } else {
    const labels = data.length > 0 && !Array.isArray(data[0]) && typeof data[0] === "object" && data[0] !== null ? Object.keys(data[0]) : null;
    const rows = labels ? [labels, ...data.map((r) => labels.map((l) => r && typeof r === "object" && !Array.isArray(r) ? r[l] : void 0))] : data.map((r) => Array.isArray(r) ? r : [r]);
    run.path = "";
    rows.forEach((r, i) => run.record(r.map(inlineCell), i + 1));
  }
  run.finish();
  return run.outcome();
}
function inlineCell(v) {
  if (v === null || v === void 0) return "";
  return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
}
var TableRun = class {
  constructor(task) {
    this.task = task;
    const r = task.resource;
    this.name = r.name;
    this.dialect = dialectOf(r.dialect);
    this.fieldDescriptors = r.schema?.fields ?? null;
    this.missing = new Set(r.schema?.missingValues ?? [""]);
    if (this.fieldDescriptors) this.compileFields(this.fieldDescriptors);
    if (typeof r.hash === "string" && r.hash !== "") {
      const m = /^(?:(md5|sha1|sha256|sha512):)?([0-9a-fA-F]+)$/.exec(r.hash);
      if (m) {
        this.hashAlgo = m[1] ?? "md5";
        this.hashExpected = m[2].toLowerCase();
        this.hash = createHash(this.hashAlgo);
      } else {
        this.report("hash-count", `declared hash "${r.hash}" is not "<algorithm>:<hex>" (md5, sha1, sha256 or sha512); fix resources/${task.index}/hash`, {
          pointer: pointerOf("resources", task.index, "hash")
        });
      }
    }
  }
  task;
  path = "";
  name;
  fieldDescriptors;
  fields = [];
  missing;
  dialect;
  rowNumber = 0;
  rows = 0;
  bytes = 0;
  headerSeen = false;
  stopped = false;
  uniques = [];
  pk = [];
  pkKeys = new KeySet();
  collectIdx = [];
  collected = [];
  fkIdx = [];
  deferred = [];
  hash = null;
  hashAlgo = "";
  hashExpected = "";
  values = [];
  compileFields(descs) {
    const schemaMissing = this.task.resource.schema?.missingValues;
    let failed = false;
    this.fields = descs.map((f, i) => {
      try {
        return compileField(f, schemaMissing);
      } catch (e) {
        if (!(e instanceof SchemaCompileError)) throw e;
        failed = true;
        this.report("descriptor-error", `field "${f.name}": ${e.message}`, {
          pointer: pointerOf("resources", this.task.index, "schema", "fields", i, ...e.property.split("/")),
          fieldName: f.name,
          fieldNumber: i + 1
        });
        return compileField({ name: f.name, type: "any" });
      }
    });
    if (failed) this.stopped = true;
    this.values = new Array(this.fields.length).fill(null);
    this.setupKeys();
  }
  setupKeys() {
    const names = this.fields.map((f) => f.name);
    const idx = (list) => list.map((n) => names.indexOf(n));
    this.uniques.length = 0;
    for (const f of this.fields) this.uniques.push(f.unique ? new KeySet() : null);
    const pk = this.task.resource.schema?.primaryKey;
    this.pk = pk === void 0 ? [] : idx(typeof pk === "string" ? [pk] : pk).filter((i) => i >= 0);
    this.collectIdx.length = 0;
    this.collected.length = 0;
    for (const c of this.task.collect) {
      this.collectIdx.push(idx(c));
      this.collected.push(/* @__PURE__ */ new Set());
    }
    this.fkIdx.length = 0;
    for (const fk of this.task.foreignKeys) this.fkIdx.push(idx(fk.fields));
    for (const o of this.task.observers ?? []) o.start?.(this.fields);
  }
  report(code, message, extra = {}) {
    this.task.sink.add(problem(code, message, { resource: this.name, path: this.path || void 0, ...extra }));
  }
  /** Read one file of the resource. Returns false when reading must stop (fatal problem). */
  async readPart(part, first) {
    this.path = part.path;
    const decoder = createDecoder(this.task.resource.encoding);
    if (!decoder) {
      this.report("encoding-error", `unknown encoding "${this.task.resource.encoding}"; use "utf-8" (or a WHATWG encoding label) in resources/${this.task.index}/encoding`, {
        pointer: pointerOf("resources", this.task.index, "encoding")
      });
      return false;
    }
    const dialect = first ? this.dialect : { ...this.dialect, header: false };
    if (!first) this.headerSeen = true;
    const parser = new CsvParser(dialect, (cells, line) => this.record(cells, line), void 0, decoder.bytesAsLatin1);
    let sniffed = false;
    let encodingErrors = 0;
    try {
      for await (const chunk of part.file.stream()) {
        this.bytes += chunk.length;
        this.hash?.update(chunk);
        if (!sniffed) {
          sniffed = true;
          if (chunk.length < 1024 && Buffer.from(chunk.subarray(0, LFS_SIGNATURE.length)).toString("latin1") === LFS_SIGNATURE) {
            this.report("lfs-error", `${part.path} is a git-LFS pointer, not the data: fetch the object (git lfs pull, or lfs: true on actions/checkout) and validate again`, { lineNumber: 1 });
            return false;
          }
        }
        if (this.stopped) continue;
        const { text: text2, bad: bad2 } = decoder.decode(chunk);
        if (bad2.length) encodingErrors += this.reportBad(text2, bad2, parser.currentLine, encodingErrors);
        parser.push(text2);
      }
      const { text, bad } = decoder.end();
      if (bad.length) encodingErrors += this.reportBad(text, bad, parser.currentLine, encodingErrors);
      if (!this.stopped) {
        parser.push(text);
        parser.end();
      }
    } catch (e) {
      if (e instanceof RecordTooLongError) {
        this.report("source-error", `${part.path}: ${e.message}`, { lineNumber: e.line });
        return false;
      }
      if (e instanceof SourceError) {
        this.report(e.code, `${part.path}: ${e.message}`);
        this.stopped = true;
        return false;
      }
      throw e;
    }
    return !this.stopped;
  }
  reportBad(text, bad, line, before) {
    let at = 0;
    let n = 0;
    for (const b of bad) {
      for (let k = text.indexOf("\n", at); k !== -1 && k < b.index; k = text.indexOf("\n", k + 1)) {
        line++;
        at = k + 1;
      }
      if (before + n >= 20) return n;
      n++;
      const what = b.nul ? "a NUL byte" : `the byte 0x${b.byte.toString(16).padStart(2, "0")}, which is not valid UTF-8`;
      const fix = b.nul ? "remove it" : `save the file as UTF-8 or declare its encoding (resources/${this.task.index}/encoding)`;
      this.report("encoding-error", `${this.path} line ${line} contains ${what}; ${fix}`, { lineNumber: line });
    }
    return n;
  }
  /** One parsed record (the header included). */
  record(cells, line) {
    this.rowNumber++;
    if (!this.headerSeen && this.dialect.header) {
      this.headerSeen = true;
      this.labels(cells, line);
      return;
    }
    if (!this.headerSeen) {
      this.headerSeen = true;
      if (!this.fieldDescriptors) this.compileFields(cells.map((_, i) => ({ name: `field${i + 1}`, type: "any" })));
    }
    this.rows++;
    this.row(cells, line);
  }
  labels(labels, line) {
    if (!this.fieldDescriptors) {
      this.compileFields(labels.map((l, i) => ({ name: l === "" ? `field${i + 1}` : l, type: "any" })));
    }
    const fields = this.fields;
    const seen = /* @__PURE__ */ new Map();
    const n = Math.max(labels.length, fields.length);
    const caseSensitive = this.task.resource.dialect?.caseSensitiveHeader ?? true;
    for (let i = 0; i < n; i++) {
      const label = labels[i];
      const field = fields[i];
      const at = { lineNumber: line, fieldNumber: i + 1, fieldName: field?.name ?? label };
      if (label === void 0) {
        this.report("missing-label", `the header has no label for field ${i + 1} "${field.name}"; add the column or remove the field from the schema`, at);
        continue;
      }
      if (label.trim() === "") {
        this.report("blank-label", `the label of column ${i + 1} is blank; name the column${field ? ` "${field.name}" as in the schema` : ""}`, at);
        continue;
      }
      const prev = seen.get(label);
      if (prev !== void 0) {
        this.report("duplicate-label", `label "${label}" of column ${i + 1} repeats column ${prev}; give each column its own name`, { ...at, cell: label });
        continue;
      }
      seen.set(label, i + 1);
      if (!field) {
        this.report("extra-label", `column ${i + 1} "${label}" has no field in the schema; add a field for it or remove the column`, { ...at, cell: label });
        continue;
      }
      const same = caseSensitive ? label === field.name : label.toLowerCase() === field.name.toLowerCase();
      if (!same && this.fieldDescriptors) {
        this.report("incorrect-label", `column ${i + 1} is labelled "${label}" but the schema's field ${i + 1} is "${field.name}"; rename one so they match (fields are matched by position)`, { ...at, cell: label });
      }
    }
  }
  row(cells, line) {
    const fields = this.fields;
    const nf = fields.length;
    const nc = cells.length;
    const rowNumber = this.rowNumber;
    const values = this.values;
    let blank = true;
    for (let i = 0; i < nc; i++) {
      if (!this.missing.has(cells[i])) {
        blank = false;
        break;
      }
    }
    if (blank) {
      this.report("blank-row", `row ${rowNumber} (line ${line}) is blank; remove it`, { rowNumber, lineNumber: line });
      for (let i = 0; i < nf; i++) values[i] = null;
    } else {
      for (let i = 0; i < nf; i++) {
        const f = fields[i];
        if (i >= nc) {
          values[i] = null;
          this.cellProblem("missing-cell", `row ${rowNumber} (line ${line}) has no cell for field "${f.name}" (column ${i + 1}); add the missing value, even if empty`, rowNumber, line, i, "");
          continue;
        }
        const cell = cells[i];
        const v = f.cast(cell);
        values[i] = v;
        if (v === INVALID) {
          this.cellProblem("type-error", `row ${rowNumber} (line ${line}), field "${f.name}": "${cell}" is not ${f.expected}; fix the value, or the field's type/format`, rowNumber, line, i, cell);
          continue;
        }
        if (v === null) {
          if (f.required) this.cellProblem("constraint-error", `row ${rowNumber} (line ${line}), field "${f.name}" is required but empty; fill it in`, rowNumber, line, i, cell);
          continue;
        }
        if (f.constrained) {
          const broken = f.check(v, cell);
          if (broken !== void 0) this.cellProblem("constraint-error", `row ${rowNumber} (line ${line}), field "${f.name}": "${cell}" ${broken}`, rowNumber, line, i, cell);
        }
        const u = this.uniques[i];
        if (u) {
          if (!u.add(setKey(f, v))) this.cellProblem("unique-error", `row ${rowNumber} (line ${line}), field "${f.name}": "${cell}" repeats an earlier row; values of this field must be unique`, rowNumber, line, i, cell);
        }
      }
      for (let i = nf; i < nc; i++) {
        this.cellProblem("extra-cell", `row ${rowNumber} (line ${line}) has an extra cell ${i + 1} ("${cells[i]}") beyond the ${nf} fields; remove it or add a field`, rowNumber, line, i, cells[i]);
      }
    }
    if (this.pk.length) this.primaryKey(values, rowNumber, line);
    for (let c = 0; c < this.collectIdx.length; c++) {
      const k = this.compositeKey(this.collectIdx[c], values);
      if (k !== null) this.collected[c].add(k);
    }
    for (let c = 0; c < this.fkIdx.length; c++) this.foreignKey(c, values, cells, rowNumber, line);
    const observers = this.task.observers;
    if (observers) for (const o of observers) o.row(values, cells, rowNumber, line);
  }
  cellProblem(code, message, rowNumber, lineNumber, i, cell) {
    this.report(code, message, { rowNumber, lineNumber, fieldNumber: i + 1, fieldName: this.fields[i]?.name, cell });
  }
  /** Composite key of typed values, or null when every part is null (or any is unreadable). */
  compositeKey(idx, values) {
    if (idx.length === 1) {
      const i = idx[0];
      const v = values[i];
      return v === null || v === void 0 || v === INVALID || i < 0 ? null : this.fields[i].key(v);
    }
    let allNull = true;
    const parts = [];
    for (const i of idx) {
      const v = i < 0 ? null : values[i];
      if (v === INVALID) return null;
      if (v === null || v === void 0) parts.push("");
      else {
        allNull = false;
        parts.push(this.fields[i].key(v));
      }
    }
    return allNull ? null : parts.join(KEY_SEP);
  }
  primaryKey(values, rowNumber, lineNumber) {
    const pk = this.pk;
    let k;
    if (pk.length === 1) {
      const v = values[pk[0]];
      if (v === INVALID) return;
      k = v === null || v === void 0 ? null : setKey(this.fields[pk[0]], v);
    } else {
      for (const i of pk) if (values[i] === INVALID) return;
      k = this.compositeKey(pk, values);
    }
    if (k === null) {
      this.report("primary-key", `row ${rowNumber} (line ${lineNumber}) has no value for the primary key (${this.pkNames()}); fill it in`, { rowNumber, lineNumber });
      return;
    }
    if (!this.pkKeys.add(k)) {
      const shown = pk.map((i) => String(values[i])).join(", ");
      this.report("primary-key", `row ${rowNumber} (line ${lineNumber}) repeats the primary key (${this.pkNames()}) = (${shown}) of an earlier row; keys must be unique`, {
        rowNumber,
        lineNumber,
        cell: shown
      });
    }
  }
  pkNames() {
    return this.pk.map((i) => this.fields[i].name).join(", ");
  }
  foreignKey(c, values, cells, rowNumber, lineNumber) {
    const idx = this.fkIdx[c];
    const k = this.compositeKey(idx, values);
    if (k === null) return;
    const fk = this.task.foreignKeys[c];
    if (fk.keys !== null && fk.keys.has(k)) return;
    const cell = idx.map((i) => cells[i] ?? "").join(", ");
    if (fk.keys === null) this.deferred.push({ fk: c, key: k, path: this.path, fieldNumber: idx[0] + 1, rowNumber, lineNumber, cell });
    else this.foreignKeyProblem(fk, rowNumber, lineNumber, cell);
  }
  foreignKeyProblem(fk, rowNumber, lineNumber, cell) {
    const fieldNumber = this.fields.findIndex((f) => f.name === fk.fields[0]) + 1 || void 0;
    this.task.sink.add(foreignKeyProblem(this.name, this.path, fk, { rowNumber, lineNumber, cell, fieldNumber }));
  }
  finish() {
    const r = this.task.resource;
    const at = (prop) => pointerOf("resources", this.task.index, prop);
    if (typeof r.bytes === "number" && this.bytes !== r.bytes && !this.stopped) {
      this.report("byte-count", `the file has ${this.bytes} bytes but the descriptor declares ${r.bytes}; update "bytes" in datapackage.json`, { pointer: at("bytes") });
    }
    if (this.hash && !this.stopped) {
      const actual = this.hash.digest("hex");
      if (actual !== this.hashExpected) {
        this.report("hash-count", `the file's ${this.hashAlgo} is ${actual} but the descriptor declares ${this.hashExpected}; update "hash" in datapackage.json`, { pointer: at("hash") });
      }
    }
    const own2 = /* @__PURE__ */ new Map();
    this.collectIdx.forEach((_, c) => own2.set(this.task.collect[c].join(","), this.collected[c]));
    const rest = [];
    for (const d of this.deferred) {
      const fk = this.task.foreignKeys[d.fk];
      const keys = fk.reference.resource === "" || fk.reference.resource === this.name ? own2.get(fk.reference.fields.join(",")) : void 0;
      if (!keys) rest.push(d);
      else if (!keys.has(d.key)) this.foreignKeyProblem(fk, d.rowNumber, d.lineNumber, d.cell);
    }
    this.deferred.length = 0;
    this.deferred.push(...rest);
  }
  outcome() {
    const keys = /* @__PURE__ */ new Map();
    this.task.collect.forEach((c, i) => keys.set(c.join(","), this.collected[i] ?? /* @__PURE__ */ new Set()));
    return { rows: this.rows, bytes: this.bytes, keys, deferred: this.deferred, fields: this.fields };
  }
};
function foreignKeyProblem(resource, path, fk, at) {
  const target = `${fk.reference.resource || resource}.${fk.reference.fields.join("+")}`;
  return problem(
    "foreign-key",
    `row ${at.rowNumber} (line ${at.lineNumber}): ${fk.fields.join(", ")} = "${at.cell}" is not in ${target}; add it there or fix the reference`,
    { resource, path: path || void 0, fieldName: fk.fields[0], ...at }
  );
}

// src/pass/job.ts
function planOf(context2, cache2) {
  if (cache2.plan === void 0) {
    const r = context2.aggregate && detectProfile(context2.descriptor).openspending ? planOrReason(context2.descriptor) : null;
    cache2.plan = r !== null && "plan" in r ? r.plan : null;
  }
  return cache2.plan;
}
async function runJob(context2, plan, job, parts) {
  const sink = new ProblemSink(context2.maxErrors, context2.strict);
  const aggregator = plan ? createAggregator(plan) : null;
  const summing = aggregator?.observers(job.resource, job.index) ?? [];
  const checking = context2.openspending ? mappedValueObservers(context2.descriptor, sink)(job.resource) : [];
  const observers = [...summing, ...checking];
  const outcome = await validateTable(parts, {
    resource: job.resource,
    index: job.index,
    sink,
    collect: job.collect,
    foreignKeys: job.foreignKeys,
    observers: observers.length ? observers : void 0
  });
  return {
    outcome: { ...outcome, fields: [] },
    problems: sink.snapshot(),
    aggregate: aggregator && summing.length ? aggregator.state() : null
  };
}

// src/pass/worker.ts
var port = parentPort;
if (port === null) throw new Error("src/pass/worker.ts runs as a worker thread (see src/pass/parallel.ts)");
var { context } = workerData;
var cache = {};
var send = (message) => port.postMessage(message);
var inbox = null;
async function* receive(id, part) {
  const box = { id, part, queue: [], wake: null };
  inbox = box;
  send({ type: "read", id, part });
  let ended = false;
  try {
    for (; ; ) {
      const message = box.queue.shift();
      if (message === void 0) {
        await new Promise((wake) => box.wake = wake);
        continue;
      }
      if (message.type === "end") {
        ended = true;
        return;
      }
      if (message.type === "fail") {
        ended = true;
        throw message.error.source === null ? new Error(message.error.message) : new SourceError(message.error.source, message.error.message);
      }
      send({ type: "more", id, part });
      yield message.chunk;
    }
  } finally {
    if (inbox === box) inbox = null;
    if (!ended) send({ type: "stop", id, part });
  }
}
port.on("message", (message) => {
  if (message.type !== "job") {
    const box = inbox;
    if (box === null || box.id !== message.id || box.part !== message.part) return;
    box.queue.push(message);
    const wake = box.wake;
    box.wake = null;
    wake?.();
    return;
  }
  const { id, job, parts } = message;
  const files = parts.map((p, k) => ({ path: p.path, file: { size: p.size, stream: () => receive(id, k) } }));
  runJob(context, planOf(context, cache), job, files).then(
    (result) => send({ type: "done", id, result }),
    (error) => send({ type: "error", id, message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : void 0 })
  );
});
send({ type: "ready" });
