<?php
enum Status: string
{
    case Draft = 'draft';
    case Published = 'published';

    public function label(): string { return ucfirst($this->value); }
}
final class Format
{
    public const CASE_FN = 'strtoupper';
    public static function apply(string $s): string { return (self::CASE_FN)($s); }
}
$s = Status::tryFrom($_GET['s'] ?? '') ?? Status::Draft;
echo htmlspecialchars(Format::apply($s->label())), ' ', Status::Published->value;
