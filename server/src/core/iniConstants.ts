// Constants PHP knows while it reads php.ini at startup (checked with PHP 8.2: E_ALL and PHP_OS are
// replaced, extension constants such as SORT_STRING are not defined yet and stay as written).
// Sources: Zend/zend_errors.h (E_*), main/main.c (PHP_*, DEFAULT_INCLUDE_PATH, PEAR_*),
// Zend/zend_constants.c (DEBUG_BACKTRACE_*, ZEND_*).

/** Constants whose value is the same on every build. */
const FIXED: Record<string, string> = {
  E_ERROR: '1',
  E_WARNING: '2',
  E_PARSE: '4',
  E_NOTICE: '8',
  E_CORE_ERROR: '16',
  E_CORE_WARNING: '32',
  E_COMPILE_ERROR: '64',
  E_COMPILE_WARNING: '128',
  E_USER_ERROR: '256',
  E_USER_WARNING: '512',
  E_USER_NOTICE: '1024',
  E_STRICT: '2048',
  E_RECOVERABLE_ERROR: '4096',
  E_DEPRECATED: '8192',
  E_USER_DEPRECATED: '16384',
  E_ALL: '32767',
  DEBUG_BACKTRACE_PROVIDE_OBJECT: '1',
  DEBUG_BACKTRACE_IGNORE_ARGS: '2',
};

/** Constants defined at startup whose value depends on the build or the machine. */
const MACHINE = new Set(
  (
    'PHP_VERSION PHP_MAJOR_VERSION PHP_MINOR_VERSION PHP_RELEASE_VERSION PHP_EXTRA_VERSION PHP_VERSION_ID ' +
    'PHP_ZTS PHP_DEBUG PHP_OS PHP_OS_FAMILY PHP_SAPI DEFAULT_INCLUDE_PATH PEAR_INSTALL_DIR PEAR_EXTENSION_DIR ' +
    'PHP_EXTENSION_DIR PHP_PREFIX PHP_BINDIR PHP_MANDIR PHP_LIBDIR PHP_DATADIR PHP_SYSCONFDIR PHP_LOCALSTATEDIR ' +
    'PHP_CONFIG_FILE_PATH PHP_CONFIG_FILE_SCAN_DIR PHP_SHLIB_SUFFIX PHP_EOL PHP_MAXPATHLEN PHP_INT_MAX PHP_INT_MIN ' +
    'PHP_INT_SIZE PHP_FD_SETSIZE PHP_FLOAT_DIG PHP_FLOAT_EPSILON PHP_FLOAT_MAX PHP_FLOAT_MIN PHP_BINARY ' +
    'ZEND_THREAD_SAFE ZEND_DEBUG_BUILD'
  ).split(' '),
);

export type ConstantValue = { kind: 'fixed'; value: string } | { kind: 'machine' } | { kind: 'undefined' };

/** What `name` (a TC_CONSTANT of a value) becomes when PHP reads php.ini. */
export function iniConstant(name: string): ConstantValue {
  const fixed = FIXED[name];
  if (fixed !== undefined) return { kind: 'fixed', value: fixed };
  return MACHINE.has(name) ? { kind: 'machine' } : { kind: 'undefined' };
}
