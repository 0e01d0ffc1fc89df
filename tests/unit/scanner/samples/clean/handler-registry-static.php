<?php
final class Hooks {
    private static $handlers = [];
    public static function on($name, callable $fn) { self::$handlers[$name] = $fn; }
    public static function fire($name, $arg) {
        return isset(self::$handlers[$name]) ? self::$handlers[$name]($arg) : $arg;
    }
}
Hooks::on('title', 'strtoupper');
echo Hooks::fire('title', $_GET['t'] ?? 'home');
