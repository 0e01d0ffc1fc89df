<?php
// PHP 8 call syntax in ordinary code: named arguments, first-class callables, nullsafe calls
final class View
{
    public function __construct(public readonly string $title) {}
    public function render(): string
    {
        return htmlspecialchars(string: $this->title, flags: ENT_QUOTES | ENT_HTML5, double_encode: false);
    }
}
$tags = array_filter(array_map(trim(...), explode(',', $_GET['tags'] ?? '')), strlen(...));
$upper = strtoupper(...);
echo $upper(implode(separator: ', ', array: $tags));
$view = isset($_GET['t']) ? new View(title: $_GET['t']) : null;
echo $view?->render();
