<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
final class HomeController { public function show(string $id): string { return "item $id"; } }
$route = $_GET['r'] ?? 'home';
$handler = match ($route) {
    'home', 'item' => [new HomeController(), 'show'],
    default => static fn(): string => 'not found',
};
echo call_user_func_array($handler, [$_GET['id'] ?? '0']);
