<?php
declare(strict_types=1);

namespace Demo\Shop;

interface Priced { public function price(): float; }

abstract class Base implements Priced
{
    protected static $count = 0;
    public const TAX = 0.2;
    public function __construct(protected string $name, private float $net = 1.5)
    {
        static::$count++;
    }
    abstract public function label(): string;
    public function price(): float { return round($this->net * (1 + self::TAX), 2); }
    public static function count(): int { return self::$count; }
}

final class Item extends Base
{
    private array $tags = [];
    public function tag(string $t): self { $this->tags[] = strtolower($t); return $this; }
    public function label(): string { return sprintf('%s [%s] %.2f', $this->name, implode(',', $this->tags), $this->price()); }
}

function make(string $n): Item { return new Item($n, 10.0); }

$a = make('Pen')->tag('Blue')->tag('INK');
$b = new Item('Cup');
echo $a->label(), "\n", $b->label(), "\n", Base::count(), "\n";
$sorted = [3, 1, 2];
usort($sorted, function (int $x, int $y): int { return $x <=> $y; });
echo implode(' ', $sorted), PHP_EOL;
echo str_pad(\strrev('olleh'), 8, '*', STR_PAD_LEFT), "\n";
try {
    throw new \RuntimeException('boom');
} catch (\RuntimeException $e) {
    echo 'caught ', $e->getMessage(), "\n";
}
