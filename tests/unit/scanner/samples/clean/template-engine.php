<?php
namespace Example\View;

/**
 * A framework-style template engine: compiles templates to PHP and includes them.
 */
final class Engine
{
    private array $paths;
    private string $cache;

    public function __construct(array $paths, string $cache)
    {
        $this->paths = $paths;
        $this->cache = $cache;
    }

    public function render(string $name, array $data = []): string
    {
        $compiled = $this->cache . '/' . sha1($name) . '.php';
        if (!is_file($compiled)) {
            file_put_contents($compiled, $this->compile($this->find($name)));
        }
        ob_start();
        (static function (string $__file, array $__data): void {
            extract($__data, EXTR_SKIP);
            include $__file;
        })($compiled, $data);
        return (string) ob_get_clean();
    }

    private function compile(string $file): string
    {
        $source = (string) file_get_contents($file);
        return preg_replace_callback('/\{\{\s*(.+?)\s*\}\}/', static function (array $m): string {
            return '<?php echo htmlspecialchars(' . $m[1] . ', ENT_QUOTES); ?>';
        }, $source);
    }

    private function find(string $name): string
    {
        foreach ($this->paths as $path) {
            $file = $path . '/' . str_replace('.', '/', $name) . '.tpl';
            if (is_file($file)) {
                return $file;
            }
        }
        throw new \RuntimeException("template not found: $name");
    }
}
