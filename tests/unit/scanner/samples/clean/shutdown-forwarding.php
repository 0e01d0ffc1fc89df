<?php
// look-alike: an error handler that registers its shutdown hook from inside a shutdown hook
// (so that it runs last); the closure's own code runs, no name built or taken from a request
final class LastWords
{
    public static function install(int $exitCode): void
    {
        register_shutdown_function('register_shutdown_function', function () use ($exitCode) {
            exit($exitCode);
        });
        call_user_func('array_map', fn ($v) => trim($v), array(' a ', ' b '));
    }
}
LastWords::install(0);
