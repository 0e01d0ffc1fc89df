<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
#[Attribute(Attribute::TARGET_METHOD)]
final class Route { public function __construct(public string $path) {} }
final class Pages
{
    #[Route('/about')]
    public function about(): string { return 'about'; }
}
foreach ((new ReflectionClass(Pages::class))->getMethods() as $m) {
    foreach ($m->getAttributes(Route::class) as $a) {
        if ($a->newInstance()->path === ($_SERVER['PATH_INFO'] ?? '')) {
            echo $m->invoke(new Pages());
        }
    }
}
