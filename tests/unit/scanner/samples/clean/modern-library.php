<?php
/**
 * Clean look-alike: idioms of modern frameworks and libraries (Composer, PHPUnit, Smarty,
 * Laravel, phpMyAdmin) that read like backdoors to a careless scanner.
 */
declare(strict_types=1);

namespace Example\Framework;

final class CompiledTemplateRenderer
{
    private string $compiledFilePath = '';
    private string $generatedClassCode = '';

    public function renderCompiledTemplate(?string $url, array $matches): string
    {
        assert($url !== null);                    // a condition, not code
        assert(is_string($matches[1]));
        assert($this->compiledFilePath instanceof \Stringable || is_string($this->compiledFilePath));
        ob_start();
        eval('?>' . file_get_contents($this->compiledFilePath));   // the template idiom
        return (string) ob_get_clean();
    }

    public function declareGeneratedMockClass(): void
    {
        if (!class_exists('GeneratedMock')) {
            eval($this->generatedClassCode);      // code this object generated itself
        }
    }

    public function clearCompiledServicesCache(object $app): void
    {
        if (is_file($servicesCachePath = $app->getCachedServicesPath())) {
            @unlink($servicesCachePath);
        }
        if (is_file($packagesManifestPath = $app->getCachedPackagesPath())) {
            @unlink($packagesManifestPath);
        }
    }

    public function selectedDatabaseNames(): array
    {
        $selectedDatabases = array_filter($_POST['pred_dbname'] ?? []);   // no callback
        $registerMockObjectsFromTestArguments = true;
        $isStrictAboutTestsThatDoNotTestAnything = false;
        $convertStringToHexString = 'x';
        $extractCssProperties = [];
        $getMockFromWsdl = null;
        $addHtmlLink = '';
        return [$selectedDatabases, $registerMockObjectsFromTestArguments,
            $isStrictAboutTestsThatDoNotTestAnything, $convertStringToHexString,
            $extractCssProperties, $getMockFromWsdl, $addHtmlLink];
    }
}
