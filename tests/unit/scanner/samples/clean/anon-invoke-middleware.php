<?php
$stack = [
    new class { public function __invoke(array $req, callable $next): string { $req['t0'] = microtime(true); return $next($req); } },
    new class { public function __invoke(array $req, callable $next): string { return strtoupper($next($req)); } },
];
$core = fn(array $req): string => 'hello ' . ($req['name'] ?? 'world');
$app = array_reduce(array_reverse($stack), fn($next, $mw) => fn($req) => $mw($req, $next), $core);
echo htmlspecialchars($app(['name' => $_GET['name'] ?? null]));
echo implode(',', array_map(new class { public function __invoke(string $s): string { return trim($s); } }, (array) ($_POST['tags'] ?? [])));
