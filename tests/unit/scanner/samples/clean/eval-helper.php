<?php
/**
 * A tiny expression calculator for the shop's shipping rules: the rules are written by the
 * site owner in the settings file, never taken from a visitor.
 */
function shipping_rule_value($expr)
{
    return eval('return ' . $expr . ';');
}

class Template_View
{
    private $dir;

    public function __construct($dir)
    {
        $this->dir = $dir;
    }

    public function render($name)
    {
        $compiled = $this->dir . '/' . basename($name) . '.php';
        return eval('?>' . file_get_contents($compiled));
    }
}

$settings = require __DIR__ . '/settings.php';
$cost = shipping_rule_value($settings['shipping_formula']);
$view = new Template_View(__DIR__ . '/compiled');
echo $view->render(isset($_GET['page']) ? $_GET['page'] : 'home');
